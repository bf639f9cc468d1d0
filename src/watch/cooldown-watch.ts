import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import type { PlexusApi } from '../base/plexus-api.js';
import { newRecord, type AlertRecord, type CooldownView } from './alert-model.js';
import type { AlertBook } from './alert-book.js';

export const cooldownId = (c: Pick<S.CooldownEntry, 'provider' | 'model'>): string => `cooldown:${c.provider}/${c.model ?? '*'}`;

function view(c: S.CooldownEntry, now: number, reentries: number): CooldownView {
  const expiry = c.expiry ?? (c.timeRemainingMs != null ? now + c.timeRemainingMs : null);
  return {
    kind: 'cooldown',
    provider: c.provider,
    model: c.model ?? null,
    failures: c.consecutiveFailures ?? null,
    lastError: c.lastError ?? null,
    expiry,
    reentries,
  };
}

/**
 * Entering cooldown opens an alert. A cooldown seen again within `flapMs`
 * of ending reopens the same message (flapping does not spam); a longer
 * cooldown (new failures) or a new last error edits it.
 */
export function cooldownNext(rec: AlertRecord | undefined, c: S.CooldownEntry, now: number, flapMs: number): AlertRecord | undefined {
  if (rec?.state === 'active' && rec.view.kind === 'cooldown') {
    const v = rec.view;
    const next = view(c, now, v.reentries);
    const extended = next.expiry !== null && v.expiry !== null && next.expiry - v.expiry > 1000;
    if (!extended && next.failures === v.failures && next.lastError === v.lastError) return undefined;
    return { ...rec, view: next };
  }
  if (rec && rec.view.kind === 'cooldown' && rec.resolvedAt !== undefined && now - rec.resolvedAt <= flapMs) {
    const { resolvedAt: _, ...open } = rec;
    return { ...open, state: 'active', view: view(c, now, rec.view.reentries + 1) };
  }
  return newRecord(cooldownId(c), view(c, now, 0), now);
}

/** Left cooldown: resolved with how long it lasted (up to its expiry when that passed unseen). */
export function cooldownEnded(rec: AlertRecord | undefined, now: number): AlertRecord | undefined {
  if (rec?.state !== 'active' || rec.view.kind !== 'cooldown') return undefined;
  const expiry = rec.view.expiry;
  const end = expiry !== null && expiry < now ? Math.max(expiry, rec.openedAt) : now;
  const early = expiry !== null && now < expiry - 1000;
  return { ...rec, state: 'resolved', resolvedAt: end, view: { ...rec.view, resolved: { at: end, lastedMs: end - rec.openedAt, early } } };
}

export const readCooldowns = (plexus: PlexusApi): Promise<S.CooldownEntry[]> =>
  plexus.request('GET', mgmtPath('cooldowns'), { schema: S.cooldownListSchema });

export async function applyCooldowns(book: AlertBook, list: readonly S.CooldownEntry[], now: number, flapMs: number): Promise<void> {
  const current = new Map(list.map((c) => [cooldownId(c), c]));
  for (const [id, c] of current) await book.change(id, (rec) => cooldownNext(rec, c, now, flapMs));
  for (const r of await book.active('cooldown')) if (!current.has(r.id)) await book.change(r.id, (rec) => cooldownEnded(rec, now));
}
