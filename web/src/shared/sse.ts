// Server-sent events over fetch. EventSource cannot send an Authorization header, so the
// stream is read by hand: a small parser for the text/event-stream format, reconnecting
// with a growing pause when the connection drops.

export interface SseEvent {
  event: string;
  data: string;
}

export interface SseHandle {
  close(): void;
}

/** Splits a text/event-stream into events; feed it chunks, it calls `emit` per event. */
export class SseParser {
  private buffer = '';
  private event = 'message';
  private data: string[] = [];

  constructor(private readonly emit: (e: SseEvent) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      const len = this.buffer.startsWith('\r\n', nl) ? 2 : 1;
      this.buffer = this.buffer.slice(nl + len);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length) this.emit({ event: this.event, data: this.data.join('\n') });
      this.event = 'message';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return; // keep-alive comment
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
  }
}

export function openSse(
  url: string,
  headers: () => Record<string, string>,
  onEvent: (e: SseEvent) => void,
  onState: (connected: boolean) => void = () => {},
): SseHandle {
  let stopped = false;
  let controller: AbortController | null = null;
  let pause = 1000;

  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const res = await fetch(url, {
          headers: { accept: 'text/event-stream', ...headers() },
          signal: controller.signal,
        });
        if (!res.ok || !res.body) throw new Error('live stream: HTTP ' + res.status);
        onState(true);
        pause = 1000;
        const parser = new SseParser(onEvent);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.push(value);
        }
      } catch {
        // Dropped or refused; fall through to the pause and reconnect.
      }
      onState(false);
      if (stopped) break;
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 30_000);
    }
  };
  void run();
  return {
    close() {
      stopped = true;
      controller?.abort();
    },
  };
}
