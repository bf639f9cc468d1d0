/**
 * Slack's Socket Mode server side: `hello` on connect, envelopes out,
 * `{envelope_id, payload}` acks back, and `disconnect` to make the client
 * reconnect (through apps.connections.open again).
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface FakeSocketMode {
  url: string;
  /** Connections opened so far. */
  readonly connections: number;
  /** Waits until `n` connections were opened and the latest is open. */
  connected(n?: number): Promise<void>;
  /** Sends an envelope on the live connection; resolves with the ack's payload (if any). */
  send(type: EnvelopeType, payload: Record<string, unknown>, timeoutMs?: number): Promise<{ ackMs: number; payload?: unknown }>;
  /** Asks the client to reconnect, as Slack does when it recycles a server. */
  disconnect(reason?: string): void;
  close(): Promise<void>;
}

export function attachSocketMode(server: Server, wsBase: string): FakeSocketMode {
  const wss = new WebSocketServer({ noServer: true });
  let live: WebSocket | undefined;
  let opened = 0;
  const acks = new Map<string, (payload: unknown) => void>();

  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/link')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      opened++;
      live = ws;
      ws.on('message', (data) => {
        let msg: { envelope_id?: string; payload?: unknown };
        try {
          msg = JSON.parse(String(data)) as typeof msg;
        } catch {
          return;
        }
        if (msg.envelope_id) acks.get(msg.envelope_id)?.(msg.payload);
      });
      ws.on('close', () => {
        if (live === ws) live = undefined;
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'fake-socket', approximate_connection_time: 18060 },
          connection_info: { app_id: 'A0PLEXUS' },
        }),
      );
    });
  });

  const waitUntil = async (ok: () => boolean, what: string, timeoutMs = 5000) => {
    const until = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > until) throw new Error(`fake Socket Mode: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  return {
    url: `${wsBase}/link/?ticket=${randomUUID()}&app_id=A0PLEXUS`,
    get connections() {
      return opened;
    },
    connected: (n = 1) => waitUntil(() => opened >= n && live?.readyState === 1, `connection #${n}`),
    async send(type, payload, timeoutMs = 3000) {
      if (!live) throw new Error('fake Socket Mode: no live connection');
      const envelope_id = randomUUID();
      const started = Date.now();
      const acked = new Promise<{ ackMs: number; payload?: unknown }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`envelope ${type} not acked within ${timeoutMs} ms`)), timeoutMs);
        acks.set(envelope_id, (p) => {
          clearTimeout(timer);
          acks.delete(envelope_id);
          resolve({ ackMs: Date.now() - started, ...(p === undefined ? {} : { payload: p }) });
        });
      });
      live.send(
        JSON.stringify({ envelope_id, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }),
      );
      return acked;
    },
    disconnect(reason = 'refresh_requested') {
      live?.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-socket' } }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}
