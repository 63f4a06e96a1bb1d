// Charts with ECharts, built from its parts (echartsParts.ts) so the console carries only
// what it draws, loaded as a chunk of its own on the first chart. One component: the
// categories along the bottom and a few named series, redrawn when they change and
// resized with the page.
import type { EChartsType } from 'echarts/core';
import { useEffect, useRef, useState } from 'preact/hooks';

/** ECharts, loaded once on the first chart (its own chunk, not the console's). */
let parts: Promise<typeof import('./echartsParts')> | null = null;

export type Series = { name: string; kind: 'bar' | 'line'; values: (number | null)[] };

export function Chart({
  categories,
  series,
  testid,
  height = 240,
  format,
  integer = false,
}: {
  categories: string[];
  series: Series[];
  testid?: string;
  height?: number;
  /** How a value reads in the tooltip and on the axis (the user's language and unit). */
  format?: (v: number) => string;
  /** Counts: the axis ticks whole numbers only. */
  integer?: boolean;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let c: EChartsType | null = null;
    let gone = false;
    const resize = () => c?.resize();
    parts ??= import('./echartsParts');
    void parts.then(({ init }) => {
      if (gone) return;
      c = init(el.current!);
      chart.current = c;
      window.addEventListener('resize', resize);
      setReady(true);
    });
    return () => {
      gone = true;
      window.removeEventListener('resize', resize);
      c?.dispose();
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      {
        animation: false,
        grid: { left: 48, right: 16, top: series.length > 1 ? 32 : 12, bottom: 28 },
        legend: series.length > 1 ? { top: 0 } : { show: false },
        tooltip: {
          trigger: 'axis',
          valueFormatter: (v: unknown) => (typeof v === 'number' && format ? format(v) : String(v ?? '—')),
        },
        xAxis: { type: 'category', data: categories },
        yAxis: { type: 'value', minInterval: integer ? 1 : undefined, axisLabel: format ? { formatter: (v: number) => format(v) } : {} },
        series: series.map((s) => ({ name: s.name, type: s.kind, data: s.values, smooth: false })),
      },
      true,
    );
  }, [ready, JSON.stringify(categories), JSON.stringify(series)]);

  return <div class="chart" ref={el} style={{ height: `${height}px` }} data-testid={testid} data-ready={ready ? 'yes' : undefined} />;
}
