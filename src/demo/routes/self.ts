import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { HttpError, ok, plainError } from '../http.js';
import { selfQuotaBody } from '../quota-calc.js';
import type { RouteCtx, Router } from '../router.js';
import { parseWith } from '../validate.js';

const invalidBody = (issues: unknown) => new HttpError(400, { error: 'Invalid body', details: issues });

/** The key a self-service call acts on: the limited key itself, or `?keyName=` for the admin. */
function targetKey(ctx: RouteCtx): string {
  if (ctx.principal.role === 'limited') return ctx.principal.keyName;
  const name = ctx.query.get('keyName');
  if (!name) throw plainError(400, 'Admin must supply ?keyName= for self-service endpoints');
  if (!ctx.state.keys[name]) throw plainError(404, `Key '${name}' not found`);
  return name;
}

function keyScope(ctx: RouteCtx, name: string) {
  const k = ctx.state.keys[name];
  const quotaNames = k?.quotas ?? [];
  return {
    keyName: name,
    allowedProviders: k?.allowedProviders ?? [],
    allowedModels: k?.allowedModels ?? [],
    excludedProviders: k?.excludedProviders ?? [],
    excludedModels: k?.excludedModels ?? [],
    quotaNames,
    quotaName: quotaNames[0] ?? null,
    comment: k?.comment ?? null,
  };
}

export function registerSelfRoutes(r: Router): void {
  r.get('/auth/verify', 'any', (ctx) => {
    if (ctx.principal.role === 'admin') return ok({ ok: true, role: 'admin' });
    return ok({ ok: true, role: 'limited', ...keyScope(ctx, ctx.principal.keyName) });
  });

  r.get('/self/me', 'any', (ctx) => {
    if (ctx.principal.role === 'admin') return ok({ role: 'admin' });
    const name = ctx.principal.keyName;
    const { quotaNames, quotaName, comment, ...scope } = keyScope(ctx, name);
    return ok({
      role: 'limited',
      ...scope,
      allowRawPassthrough: ctx.state.keys[name]?.allowRawPassthrough ?? false,
      quotaNames,
      quotaName,
      comment,
      traceEnabled: ctx.state.traceEnabledFor(name),
      traceEnabledGlobal: ctx.state.debug.enabled,
    });
  });

  r.post('/self/rotate', 'any', (ctx) => {
    const name = targetKey(ctx);
    const key = ctx.state.keys[name];
    if (!key) throw plainError(404, `Key '${name}' not found`);
    key.secret = `sk-${randomBytes(24).toString('hex')}`;
    ctx.state.log(`Secret rotated for key '${name}'`, 'info', 'keys');
    return ok({ keyName: name, secret: key.secret, message: 'Secret rotated. Store it now — it will not be shown again.' });
  });

  r.post('/self/debug/toggle', 'any', async (ctx) => {
    const name = targetKey(ctx);
    const body = parseWith(z.object({ enabled: z.boolean() }), await ctx.body(), invalidBody);
    if (body.enabled) ctx.state.keyTrace.add(name);
    else ctx.state.keyTrace.delete(name);
    return ok({ keyName: name, enabled: ctx.state.traceEnabledFor(name), enabledGlobal: ctx.state.debug.enabled });
  });

  r.patch('/self/comment', 'any', async (ctx) => {
    const name = targetKey(ctx);
    const body = parseWith(z.object({ comment: z.string().max(500) }), await ctx.body(), invalidBody);
    const key = ctx.state.keys[name];
    if (key) key.comment = body.comment;
    return ok({ success: true, keyName: name, comment: body.comment });
  });

  r.get('/self/quota', 'any', (ctx) => ok(selfQuotaBody(ctx.state, targetKey(ctx))));
}
