import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FORBIDDEN, HttpError, NOT_FOUND, parseJsonBody, readBody, sendReply, UNAUTHORIZED } from './http.js';
import { type Principal, type RouteCtx, Router } from './router.js';
import { registerAliasRoutes } from './routes/aliases.js';
import { registerBackupRoutes } from './routes/backup.js';
import { registerConfigRoutes } from './routes/config.js';
import { registerDebugRoutes } from './routes/debug.js';
import { registerErrorRoutes } from './routes/errors.js';
import { registerKeyRoutes } from './routes/keys.js';
import { registerLoggingRoutes } from './routes/logging.js';
import { registerMcpRoutes } from './routes/mcp.js';
import { registerOpenApiRoutes } from './routes/openapi.js';
import { registerProviderRoutes } from './routes/providers.js';
import { registerQuotaRoutes } from './routes/quotas.js';
import { registerRuntimeRoutes } from './routes/runtime.js';
import { registerSelfRoutes } from './routes/self.js';
import { registerSystemLogRoutes } from './routes/system-logs.js';
import { registerUsageRoutes } from './routes/usage.js';
import { registerUserQuotaRoutes } from './routes/user-quotas.js';
import { demoSeed } from './seed.js';
import { DemoState } from './state.js';
import type { DemoSeed } from './types.js';

export type { DemoSeed } from './types.js';
export { DemoState } from './state.js';

export interface DemoGatewayOptions {
  adminKey: string;
  seed?: DemoSeed;
  now?: () => number;
  /** Synthetic system-log lines on `logs/stream` (ms between lines; default 400). */
  logIntervalMs?: number;
  /** SSE keep-alive pings (default 10 s, like Plexus). */
  pingIntervalMs?: number;
}

export interface DemoGateway {
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  state: DemoState;
  /** Ends open event streams and timers; the handler keeps answering plain requests. */
  shutdown(): void;
}

export interface StreamTiming {
  logIntervalMs: number;
  pingIntervalMs: number;
}

const JSON_LIMIT = 1024 * 1024;
const UPLOAD_LIMIT = 64 * 1024 * 1024;

/** Builds the fake Plexus management API as a plain node:http request handler. */
export function createDemoGateway(opts: DemoGatewayOptions): DemoGateway {
  const now = opts.now ?? Date.now;
  const state = new DemoState(opts.seed ?? demoSeed(now()), now);
  const timing: StreamTiming = { logIntervalMs: opts.logIntervalMs ?? 400, pingIntervalMs: opts.pingIntervalMs ?? 10_000 };
  const router = new Router();
  const mgmt = router.scope('/v0/management');
  registerSelfRoutes(mgmt);
  registerUsageRoutes(mgmt, timing);
  registerErrorRoutes(mgmt);
  registerDebugRoutes(mgmt);
  registerProviderRoutes(mgmt);
  registerQuotaRoutes(mgmt);
  registerAliasRoutes(mgmt);
  registerKeyRoutes(mgmt);
  registerUserQuotaRoutes(mgmt);
  registerMcpRoutes(mgmt);
  registerConfigRoutes(mgmt);
  registerRuntimeRoutes(mgmt);
  registerLoggingRoutes(mgmt);
  registerBackupRoutes(mgmt);
  registerSystemLogRoutes(router.scope('/v0/system'), timing);
  router.get('/health', 'public', () => ({ status: 200, raw: 'OK' }));
  registerOpenApiRoutes(router);

  const shutdownHooks = new Set<() => void>();

  const authenticate = (req: http.IncomingMessage): Principal | undefined => {
    const header = req.headers['x-admin-key'];
    const given = Array.isArray(header) ? header[0] : header;
    if (!given) return undefined;
    if (given === opts.adminKey) return { role: 'admin' };
    const keyName = state.keyNameForSecret(given);
    return keyName ? { role: 'limited', keyName } : undefined;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    const path = url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const guarded = path.startsWith('/v0/management/') || path === '/v0/management' || path.startsWith('/v0/system/');
    let principal: Principal = { role: 'admin' };
    if (guarded) {
      const p = authenticate(req);
      if (!p) return sendReply(res, { status: 401, body: UNAUTHORIZED });
      principal = p;
    }
    const match = router.match(method, path);
    if (!match) return sendReply(res, { status: 404, body: NOT_FOUND });
    if (match.access === 'admin' && principal.role !== 'admin') return sendReply(res, { status: 403, body: FORBIDDEN });

    const ctx: RouteCtx = {
      req,
      res,
      params: match.params,
      query: url.searchParams,
      principal,
      state,
      body: async () => parseJsonBody(await readBody(req, JSON_LIMIT)),
      rawBody: () => readBody(req, UPLOAD_LIMIT),
      onShutdown: (fn) => {
        shutdownHooks.add(fn);
        return () => shutdownHooks.delete(fn);
      },
    };
    const reply = await match.handler(ctx);
    if (reply) sendReply(res, reply);
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) sendReply(res, { status: err.status, body: err.body });
      else sendReply(res, { status: 500, body: { error: 'Internal server error' } });
    });
  };

  return {
    handler,
    state,
    shutdown: () => {
      for (const fn of [...shutdownHooks]) fn();
      shutdownHooks.clear();
    },
  };
}

/** Runs the demo gateway on 127.0.0.1 (port 0 by default: any free port). */
export async function startDemoGateway(
  opts: DemoGatewayOptions & { port?: number },
): Promise<{ url: string; gateway: DemoGateway; close(): Promise<void> }> {
  const gateway = createDemoGateway(opts);
  const server = http.createServer(gateway.handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    gateway,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        gateway.shutdown();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
