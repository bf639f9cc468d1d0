import type { RouteCtx } from './router.js';

export interface SseStream {
  send(event: string, data: unknown, id?: number): void;
  /** Runs `fn` when the stream ends (client gone or gateway shutdown). */
  onClose(fn: () => void): void;
  readonly closed: boolean;
}

/**
 * Opens a Server-Sent Events answer. Pings every `pingMs`; everything
 * registered with `onClose` runs once, when the client disconnects or the
 * gateway shuts down.
 */
export function openSse(ctx: RouteCtx, pingMs: number): SseStream {
  const { res } = ctx;
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.flushHeaders();
  const cleanups: (() => void)[] = [];
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const fn of cleanups.splice(0)) {
      try {
        fn();
      } catch {
        // cleanup must not throw into the socket's close handler
      }
    }
    if (!res.writableEnded) res.end();
  };
  const stream: SseStream = {
    send(event, data, id) {
      if (closed || res.writableEnded) return;
      const payload = typeof data === 'string' ? data : JSON.stringify(data);
      res.write(`event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}data: ${payload}\n\n`);
    },
    onClose(fn) {
      if (closed) fn();
      else cleanups.push(fn);
    },
    get closed() {
      return closed;
    },
  };
  const ping = setInterval(() => stream.send('ping', ''), pingMs);
  ping.unref();
  cleanups.push(() => clearInterval(ping));
  // ServerResponse 'close' fires when the client goes away (IncomingMessage 'close' fires once the request is read).
  res.on('close', close);
  cleanups.push(ctx.onShutdown(close));
  return stream;
}
