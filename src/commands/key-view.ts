import type { RunContext } from '../core/command.js';
import { orNull } from '../plexus/not-found.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH, formatRelative, formatTimestamp } from '../render/format.js';
import { maskSecret } from '../render/mask.js';
import type { Field } from '../render/reply.js';

export const KEY_ONE = mgmtPath('keys', '{name}');
export const keyPath = (name: string) => mgmtPath('keys', name);

export const joinOr = (l: readonly string[] | undefined | null): string => (l && l.length > 0 ? l.join(', ') : DASH);

export const getKey = (ctx: RunContext<unknown>, name: string) =>
  ctx.deps.plexus.request('GET', keyPath(name), { schema: S.apiKeyConfigSchema });

export const findKey = (ctx: RunContext<unknown>, name: string): Promise<S.ApiKeyConfig | null> => orNull(getKey(ctx, name));

/** A key as fields, secret masked. */
export function keyFields(k: S.ApiKeyConfig, now: number): Field[] {
  const when = (ms: number) => `${formatTimestamp(ms)} UTC (${formatRelative(ms, now)})`;
  return [
    { label: 'Secret', value: typeof k.secret === 'string' ? maskSecret(k.secret) : DASH },
    { label: 'Comment', value: k.comment ?? DASH },
    { label: 'Quotas', value: joinOr(k.quotas ?? (k.quota ? [k.quota] : undefined)) },
    { label: 'Allowed providers', value: joinOr(k.allowedProviders) },
    { label: 'Excluded providers', value: joinOr(k.excludedProviders) },
    { label: 'Allowed models', value: joinOr(k.allowedModels) },
    { label: 'Excluded models', value: joinOr(k.excludedModels) },
    { label: 'Allowed IPs', value: joinOr(k.allowedIps) },
    { label: 'Raw passthrough', value: k.allowRawPassthrough ? 'allowed' : 'no' },
    ...(k.expiresAt != null ? [{ label: 'Expires', value: when(k.expiresAt) }] : []),
    ...(k.disabledAt != null ? [{ label: 'Disabled', value: when(k.disabledAt) }] : []),
  ];
}
