import { z } from 'zod';
import { ok, plainError } from '../http.js';
import type { Router } from '../router.js';
import type { KeyConfig, Obj } from '../types.js';
import { isValidIpRule, parseWith, validationFailed } from '../validate.js';
import { keysMap, keyView } from '../views.js';
import { deleteRecord, getRecord, patchRecord, type Records } from './record-routes.js';

const IP_MESSAGE = 'Invalid IP rule. Use IPv4/IPv6, CIDR (a.b.c.d/n, ::/n), or a range (a.b.c.d-N or addr-addr).';

const KeySchema = z.object({
  secret: z.string().min(1),
  comment: z.string().optional(),
  quota: z.string().optional(),
  quotas: z.array(z.string()).optional(),
  allowedProviders: z.array(z.string()).optional(),
  excludedProviders: z.array(z.string()).optional(),
  allowedModels: z.array(z.string()).optional(),
  excludedModels: z.array(z.string()).optional(),
  allowedIps: z.array(z.string().refine(isValidIpRule, { message: IP_MESSAGE })).optional(),
  allowRawPassthrough: z.boolean().optional(),
  expiresInMinutes: z.number().positive().optional(),
});

function toKey(parsed: z.infer<typeof KeySchema>, previous: KeyConfig | undefined, now: number): KeyConfig {
  const { quota, quotas, expiresInMinutes, allowRawPassthrough, ...rest } = parsed;
  const key: KeyConfig = { ...rest, allowRawPassthrough: allowRawPassthrough ?? false };
  const q = quotas ?? (quota !== undefined ? [quota] : undefined);
  if (q !== undefined) key.quotas = q;
  if (previous?.expiresAt !== undefined) key.expiresAt = previous.expiresAt;
  else if (expiresInMinutes !== undefined) key.expiresAt = now + expiresInMinutes * 60_000;
  if (previous?.disabledAt !== undefined) key.disabledAt = previous.disabledAt;
  return key;
}

function rejectManagedFields(body: Obj): void {
  if ('expiresAt' in body || 'disabledAt' in body) throw plainError(400, 'Expiry timestamps are managed by Plexus');
}

const KEYS: Records<KeyConfig> = { param: 'name', of: (s) => s.keys, missing: (name) => plainError(404, `API key '${name}' not found`) };

export function registerKeyRoutes(r: Router): void {
  r.get('/keys', 'admin', (ctx) => ok(keysMap(ctx.state.keys)));

  r.get(
    '/keys/:name',
    'admin',
    getRecord(KEYS, (name, k) => keyView(k, name)),
  );

  r.put('/keys/:name', 'admin', async (ctx) => {
    const name = ctx.params.name as string;
    if (name.includes('*')) throw plainError(400, "Key name cannot contain '*' (reserved for the shared-quota bucket)");
    const body = (await ctx.body()) ?? {};
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) rejectManagedFields(body as Obj);
    const parsed = parseWith(KeySchema, body, validationFailed);
    const previous = ctx.state.keys[name];
    if (previous && parsed.expiresInMinutes !== undefined) throw plainError(400, 'Key expiry cannot be changed after creation');
    ctx.state.keys[name] = toKey(parsed, previous, ctx.state.now());
    ctx.state.log(`API key '${name}' saved via management API`, 'info', 'config');
    return ok({ success: true, name });
  });

  r.patch(
    '/keys/:name',
    'admin',
    patchRecord(KEYS, (ctx, name, previous, patch) => {
      rejectManagedFields(patch);
      if ('expiresInMinutes' in patch) throw plainError(400, 'Key expiry cannot be changed after creation');
      const { expiresAt: _e, disabledAt: _d, ...base } = previous;
      const merged: Obj = { ...base, ...patch };
      if (patch.quota !== undefined && patch.quotas === undefined) delete merged.quotas;
      const parsed = parseWith(KeySchema, merged, validationFailed);
      ctx.state.keys[name] = toKey(parsed, previous, ctx.state.now());
      return ok({ success: true, name });
    }),
  );

  r.post('/keys/:name/disable', 'admin', (ctx) => {
    const name = ctx.params.name as string;
    const k = ctx.state.keys[name];
    if (!k) throw KEYS.missing(name);
    if (k.expiresAt === undefined) throw plainError(400, 'Only time-bound keys can be disabled');
    k.disabledAt = ctx.state.now();
    return ok({ success: true, name });
  });

  r.delete('/keys/:name', 'admin', deleteRecord(KEYS));
}
