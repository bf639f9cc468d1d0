import { isBotError } from '../base/errors.js';
import { newRecord, type AlertRecord } from './alert-model.js';
import type { AlertBook } from './alert-book.js';
import { mutate, type StateStore } from './state-store.js';

export const PLEXUS_ALERT = 'plexus:reach';
const HEALTH_KEY = 'plexus-health';
/** Failed polls in a row before the alert is posted: one blip is only logged. */
export const FAILED_POLLS_BEFORE_ALERT = 2;

interface Health {
  failingSince: number | null;
  failures: number;
  reason: string | null;
}

/** A short, user-safe reason (BotError messages are written for users). */
export function reasonOf(e: unknown): string {
  if (isBotError(e)) return e.message;
  return 'an unexpected error (see the bot log)';
}

/**
 * Counts failed polls (in the store, so a restart mid-outage neither forgets
 * it nor reports it again) and opens or resolves the "cannot reach Plexus" alert.
 */
export async function recordPollOutcome(store: StateStore, book: AlertBook, now: number, failure: unknown): Promise<void> {
  const { value: h } = await mutate<Health>(store, HEALTH_KEY, (cur) => {
    if (failure === undefined) return cur && cur.failures === 0 ? undefined : { failingSince: null, failures: 0, reason: null };
    return { failingSince: cur?.failingSince ?? now, failures: (cur?.failures ?? 0) + 1, reason: reasonOf(failure) };
  });
  if (!h || h.failures === 0) {
    await book.change(PLEXUS_ALERT, (rec) =>
      rec && rec.state === 'active' && rec.view.kind === 'plexus'
        ? { ...rec, state: 'resolved', resolvedAt: now, view: { ...rec.view, resolved: { at: now } } }
        : undefined,
    );
    return;
  }
  if (h.failures < FAILED_POLLS_BEFORE_ALERT) return;
  await book.change(PLEXUS_ALERT, (rec: AlertRecord | undefined) => {
    if (rec?.state === 'active') return undefined;
    return newRecord(PLEXUS_ALERT, { kind: 'plexus', since: h.failingSince ?? now, reason: h.reason ?? 'unknown' }, now);
  });
}
