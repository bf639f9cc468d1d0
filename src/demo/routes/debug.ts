import { z } from 'zod';
import { HttpError, ok, paginate, plainError } from '../http.js';
import type { RouteCtx, Router } from '../router.js';
import type { DebugLog } from '../types.js';
import { parseWith } from '../validate.js';
import { clearRows, deleteRow } from './record-routes.js';

const PatchSchema = z.object({
  enabled: z.boolean().optional(),
  keys: z.array(z.string()).nullable().optional(),
  aliases: z.array(z.string()).nullable().optional(),
  providers: z.array(z.string()).nullable().optional(),
});

function debugView(ctx: RouteCtx): Record<string, unknown> {
  const d = ctx.state.debug;
  const p = ctx.principal;
  if (p.role === 'limited') {
    const on = ctx.state.traceEnabledFor(p.keyName);
    return {
      enabled: on,
      enabledGlobal: d.enabled,
      enabledForKey: on,
      providers: d.providers,
      keys: d.keys.filter((k) => k === p.keyName),
      aliases: d.aliases,
    };
  }
  return {
    enabled: d.enabled,
    enabledGlobal: d.enabled,
    enabledKeys: [...d.keys],
    providers: d.providers,
    keys: [...d.keys],
    aliases: [...d.aliases],
  };
}

function visibleLogs(ctx: RouteCtx): DebugLog[] {
  const p = ctx.principal;
  return ctx.state.debugLogs.filter((l) => p.role === 'admin' || l.apiKey === p.keyName);
}

export function registerDebugRoutes(r: Router): void {
  r.get('/debug', 'any', (ctx) => ok(debugView(ctx)));

  r.patch('/debug', 'admin', async (ctx) => {
    const body = parseWith(
      PatchSchema,
      await ctx.body(),
      (issues) => new HttpError(400, { error: 'Invalid request body', details: issues }),
    );
    const d = ctx.state.debug;
    if (body.enabled !== undefined) d.enabled = body.enabled;
    if (body.keys !== undefined) d.keys = body.keys ?? [];
    if (body.aliases !== undefined) d.aliases = body.aliases ?? [];
    if (body.providers !== undefined) d.providers = body.providers;
    ctx.state.log(`Debug mode ${d.enabled ? 'enabled' : 'disabled'} via management API`, 'info', 'debug');
    return ok(debugView(ctx));
  });

  r.get('/debug/logs', 'any', (ctx) => {
    const rows = visibleLogs(ctx)
      .slice()
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((l) => ({ requestId: l.requestId, createdAt: l.createdAt, responseStatus: l.responseStatus }));
    return ok(paginate(rows, ctx.query, 50));
  });

  r.get('/debug/logs/:requestId', 'any', (ctx) => {
    const log = visibleLogs(ctx).find((l) => l.requestId === ctx.params.requestId);
    if (!log) throw plainError(404, 'Log not found');
    const { apiKey: _omit, ...wire } = log;
    return ok(wire);
  });

  r.delete(
    '/debug/logs/:requestId',
    'admin',
    deleteRow('debugLogs', (l) => l.requestId),
  );
  r.delete('/debug/logs', 'admin', clearRows('debugLogs'));
}
