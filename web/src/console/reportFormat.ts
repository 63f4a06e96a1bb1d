// A report cell as the user reads it: the column's type and unit decide the format, in
// the chosen language and the tenant's time zone (numbers, percentages, kilometres,
// hours and minutes, dates, months, instants), and code cells by the report's labels.
import { currentLang, fmtDate, fmtDateTime, fmtMonth, fmtNumber, t, tOr } from '../shared/i18n';
import type { MessageKey } from '../shared/messages';
import type { ReportColumn, ReportPage } from '../shared/types';

export type CellValue = null | boolean | number | string;

/** The column's heading in the chosen language, with its unit. */
export function heading(c: ReportColumn): string {
  const zh = currentLang() === 'zh-CN';
  const label = zh ? c.label_zh : c.label_en;
  const unit = c.unit && UNIT_WORDS.includes(c.unit) ? t(`unit.${c.unit}` as MessageKey) : '';
  return unit ? t('reports.heading_unit', { label, unit }) : label;
}

/** Units a heading names (counts, ranks and ratios read without one). */
const UNIT_WORDS = ['km', 'hours', 'minutes', 'days'];

export function isNumeric(c: ReportColumn): boolean {
  return c.type === 'integer' || c.type === 'number' || c.type === 'percent';
}

function decimals(c: ReportColumn): number {
  if (c.type === 'integer') return 0;
  switch (c.unit) {
    case 'km':
    case 'hours':
      return 1;
    case 'ratio':
      return 2;
    case 'minutes':
    case 'count':
    case 'days':
    case 'rank':
      return 0;
    default:
      return 2;
  }
}

/** A number of this column (for charts' axes and tooltips). */
export function fmtValue(c: ReportColumn, v: number): string {
  if (c.type === 'percent') return new Intl.NumberFormat(currentLang(), { style: 'percent', maximumFractionDigits: 1 }).format(v);
  return fmtNumber(v, decimals(c));
}

export function codeLabel(report: ReportPage, code: string): string {
  const c = report.codes.find((x) => x.code === code);
  // The approval report's request types are the approval engine's, labelled where the
  // approvals screens label them (a type a tenant added reads as its code).
  if (!c) return report.name === 'approval_turnaround' ? tOr(`approvals.type.${code}`, code) : code;
  return currentLang() === 'zh-CN' ? c.zh : c.en;
}

export function fmtCell(report: ReportPage, c: ReportColumn, v: CellValue): string {
  if (v === null || v === undefined || v === '') return '—';
  switch (c.type) {
    case 'integer':
    case 'number':
    case 'percent':
      return typeof v === 'number' ? fmtValue(c, v) : String(v);
    case 'date':
      return fmtDate(String(v));
    case 'instant':
      return fmtDateTime(String(v));
    case 'bool':
      return v ? t('reports.yes') : t('reports.no');
    case 'code':
      return codeLabel(report, String(v));
    case 'text':
      return /^\d{4}-\d{2}$/.test(String(v)) ? fmtMonth(String(v)) : String(v);
    default:
      return String(v);
  }
}

/** Compares two cells of a column for sorting: numbers as numbers, the rest in the
 * language's collation; empty cells last. */
export function compareCells(a: CellValue, b: CellValue): number {
  const empty = (v: CellValue) => v === null || v === undefined || v === '';
  if (empty(a) || empty(b)) return empty(a) === empty(b) ? 0 : empty(a) ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a).localeCompare(String(b), currentLang());
}
