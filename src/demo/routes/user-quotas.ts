import { z } from 'zod';
import { HttpError, ok, typedError } from '../http.js';
import { effectiveQuotaNames, quotaStatusBody, quotaUsage } from '../quota-calc.js';
import type { Router } from '../router.js';
import type { DemoState } from '../state.js';
import type { Obj, UserQuotaDef } from '../types.js';
import { type Issues, parseWith, SLUG_RE } from '../validate.js';
import { isRecord } from '../../base/is-record.js';
import { getRecord, patchRecord, type Records } from './record-routes.js';

const common = {
  limitType: z.enum(['requests', 'tokens', 'cost']),
  limit: z.number().min(1),
  allowedProviders: z.array(z.string()).optional(),
  excludedProviders: z.array(z.string()).optional(),
  allowedModels: z.array(z.string()).optional(),
  excludedModels: z.array(z.string()).optional(),
  shared: z.boolean().optional(),
  warnAt: z.number().gt(0).lt(1).optional(),
};

const QuotaSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('rolling'), ...common, duration: z.string().regex(/^(\d+[smhdw])+$/) }),
  z.object({ type: z.literal('daily'), ...common }),
  z.object({ type: z.literal('weekly'), ...common }),
  z.object({ type: z.literal('monthly'), ...common }),
]);

const ORDER = [
  'type',
  'limitType',
  'limit',
  'duration',
  'allowedProviders',
  'excludedProviders',
  'allowedModels',
  'excludedModels',
  'shared',
  'warnAt',
];

const invalid = (issues: Issues) =>
  new HttpError(400, { error: { message: 'Validation failed', type: 'invalid_request_error' }, details: issues });
const notFound = (name: string) => typedError(404, `Quota not found: ${name}`, 'not_found_error');
const keyNotFound = (key: string) => typedError(404, `Key not found: ${key}`, 'not_found_error');

function validate(input: unknown): UserQuotaDef {
  const parsed = parseWith(QuotaSchema, input, invalid) as Obj;
  const out: Obj = {};
  for (const k of ORDER) if (parsed[k] !== undefined) out[k] = parsed[k];
  return out as UserQuotaDef;
}

function save(state: DemoState, name: string, def: UserQuotaDef) {
  state.userQuotas[name] = def;
  state.log(`User quota '${name}' saved via management API`, 'info', 'quota');
  return ok({ success: true, name, quota: def });
}

function requireAttached(state: DemoState, key: string, quota: string): void {
  if (!state.keys[key]) throw keyNotFound(key);
  if (!effectiveQuotaNames(state, key).names.includes(quota)) {
    throw typedError(400, `Quota '${quota}' is not attached to key '${key}'`, 'invalid_request_error');
  }
}

function keyAndQuota(body: unknown): { key: string; quota?: string } {
  const b = isRecord(body) ? body : {};
  if (typeof b.key !== 'string' || b.key === '') throw typedError(400, 'Missing required field: key', 'invalid_request_error');
  return { key: b.key, quota: typeof b.quota === 'string' && b.quota !== '' ? b.quota : undefined };
}

const QUOTAS: Records<UserQuotaDef> = { param: 'name', of: (s) => s.userQuotas, missing: notFound };

export function registerUserQuotaRoutes(r: Router): void {
  r.get('/user-quotas', 'admin', (ctx) => ok(ctx.state.userQuotas));

  r.get(
    '/user-quotas/:name',
    'admin',
    getRecord(QUOTAS, (name, def) => ({ name, ...def })),
  );

  r.put('/user-quotas/:name', 'admin', async (ctx) => {
    const name = ctx.params.name as string;
    if (!SLUG_RE.test(name)) {
      throw typedError(
        400,
        'Invalid quota name. Must be a slug (lowercase letters, numbers, hyphens, underscores, 2-63 characters)',
        'invalid_request_error',
      );
    }
    return save(ctx.state, name, validate(await ctx.body()));
  });

  r.patch(
    '/user-quotas/:name',
    'admin',
    patchRecord(QUOTAS, (ctx, name, existing, patch) => save(ctx.state, name, validate({ ...existing, ...patch }))),
  );

  r.delete('/user-quotas/:name', 'admin', (ctx) => {
    const name = ctx.params.name as string;
    const { state } = ctx;
    if (!state.userQuotas[name]) throw notFound(name);
    const users = Object.entries(state.keys)
      .filter(([, k]) => k.quotas?.includes(name))
      .map(([n]) => n);
    if (users.length > 0) {
      throw typedError(409, `Cannot delete quota '${name}'. It is assigned to the following keys: ${users.join(', ')}.`, 'conflict_error');
    }
    const defaults = state.settings.default_quotas;
    if (Array.isArray(defaults) && defaults.includes(name)) {
      throw typedError(409, `Cannot delete quota '${name}'. It is listed in default_quotas.`, 'conflict_error');
    }
    delete state.userQuotas[name];
    return ok({ success: true, name, message: `Quota '${name}' deleted successfully` });
  });

  r.get('/quota/status/:key', 'admin', (ctx) => {
    const key = ctx.params.key as string;
    if (!ctx.state.keys[key]) throw keyNotFound(key);
    return ok(quotaStatusBody(ctx.state, key));
  });

  r.post('/quota/clear', 'admin', async (ctx) => {
    const { state } = ctx;
    const { key, quota } = keyAndQuota(await ctx.body());
    const now = state.now();
    if (quota !== undefined) {
      requireAttached(state, key, quota);
      state.quotaResets.set(`${key}\u0000${quota}`, now);
      return ok({ success: true, key, quota, message: `Quota '${quota}' reset successfully` });
    }
    if (state.keys[key]) for (const q of effectiveQuotaNames(state, key).names) state.quotaResets.set(`${key}\u0000${q}`, now);
    return ok({ success: true, key, quota: null, message: 'Quota reset successfully' });
  });

  r.post('/quota/recompute', 'admin', async (ctx) => {
    const { state } = ctx;
    const { key, quota } = keyAndQuota(await ctx.body());
    if (quota === undefined) throw typedError(400, 'Missing required field: quota', 'invalid_request_error');
    requireAttached(state, key, quota);
    const def = state.userQuotas[quota];
    if (!def) throw notFound(quota);
    if (def.type === 'rolling' && def.limitType !== 'cost') {
      throw new HttpError(400, {
        error: { message: `Failed to recompute quota '${quota}': unsupported_quota_type`, type: 'invalid_request_error' },
        reason: 'unsupported_quota_type',
      });
    }
    state.quotaResets.delete(`${key}\u0000${quota}`);
    const { used, windowStart } = quotaUsage(state, key, quota, def, true);
    return ok({ success: true, key, quota, usage: used, windowStartMs: windowStart, message: `Quota '${quota}' recomputed successfully` });
  });
}
