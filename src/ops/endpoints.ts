/**
 * /healthz, /readyz and /metrics as plain node:http handlers: mounted on the
 * Slack receiver in HTTP mode, or served by {@link startOpsServer} on PORT.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { BotMetrics } from './metrics.js';
import type { ReadinessReport } from './readiness.js';

export interface HttpRoute {
  path: string;
  handler(req: IncomingMessage, res: ServerResponse): void;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

export function opsRoutes(o: { readiness: () => Promise<ReadinessReport>; metrics: BotMetrics; logger: Logger }): HttpRoute[] {
  const failed = (res: ServerResponse, what: string) => (e: unknown) => {
    o.logger.error({ err: e }, `${what} failed`);
    if (!res.headersSent) json(res, 500, { error: `${what} failed` });
    else res.end();
  };
  return [
    { path: '/healthz', handler: (_req, res) => json(res, 200, { ok: true }) },
    {
      path: '/readyz',
      handler: (_req, res) => {
        o.readiness().then((report) => json(res, report.ready ? 200 : 503, report), failed(res, 'readiness check'));
      },
    },
    {
      path: '/metrics',
      handler: (_req, res) => {
        o.metrics.text().then(
          (body) => {
            res.writeHead(200, { 'content-type': o.metrics.contentType });
            res.end(body);
          },
          failed(res, 'metrics'),
        );
      },
    },
  ];
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/** A listener for the routes alone, when no Slack HTTP receiver runs (Discord only, Socket Mode). GET only. */
export async function startOpsServer(routes: HttpRoute[], port: number, host?: string): Promise<OpsServer> {
  const byPath = new Map(routes.map((r) => [r.path, r]));
  const server = createServer((req, res) => {
    const route = byPath.get(req.url?.split('?')[0] ?? '');
    if (!route) return void res.writeHead(404).end();
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET' }).end();
    route.handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
