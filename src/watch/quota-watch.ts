import { newRecord, type AlertRecord, type QuotaView } from './alert-model.js';
import type { AlertBook } from './alert-book.js';
import { addSample, forecast, RATE_WINDOW_MS, type Sample } from './forecast.js';
import type { QuotaObs } from './quota-read.js';
import { mutate, type StateStore } from './state-store.js';

/** Points under the lowest threshold usage must fall to count as resolved (no flapping at the line). */
export const HYSTERESIS = 5;
export const SAMPLES_KEY = 'quota-samples';

export type SampleBook = Record<string, Sample[]>;

const highestReached = (thresholds: readonly number[], percent: number): number | null => {
  let best: number | null = null;
  for (const t of thresholds) if (percent >= t) best = t;
  return best;
};

function view(o: QuotaObs, level: number | null, samples: readonly Sample[], now: number): QuotaView {
  const used = o.used ?? o.percent;
  const limit = o.used !== null ? o.limit : 100;
  const f = forecast(samples.length > 0 ? samples : [{ t: now, used }], limit, now, o.resetsAt);
  return {
    kind: 'quota',
    subject: o.subject,
    owner: o.owner,
    name: o.name,
    percent: o.percent,
    used: o.used,
    limit: o.limit,
    unit: o.unit,
    level,
    blocked: o.blocked,
    resetsAt: o.resetsAt,
    forecast: f.text,
    exhaustAt: f.exhaustAt,
    at: now,
  };
}

/**
 * The next state of one quota alert. A threshold fires once per period (a
 * new period starts when the recorded `resetsAt` has passed); a higher one
 * edits the same message; falling under the lowest threshold minus the
 * hysteresis resolves it; crossing again in the same period reopens the
 * same message, in a new period it is a new message.
 */
export function quotaNext(
  rec: AlertRecord | undefined,
  o: QuotaObs,
  now: number,
  thresholds: readonly number[],
  samples: readonly Sample[],
): AlertRecord | undefined {
  const lowest = thresholds[0] ?? 100;
  const level = highestReached(thresholds, o.percent);
  const firing = level !== null || o.blocked;
  const active = rec?.state === 'active' ? rec : undefined;

  if (active) {
    const v = active.view as QuotaView;
    const periodOver = active.periodEnd != null && now >= active.periodEnd;
    if (!firing && (periodOver || o.percent < lowest - HYSTERESIS)) {
      return {
        ...active,
        state: 'resolved',
        resolvedAt: now,
        view: { ...v, resolved: { at: now, percent: o.percent, reason: periodOver ? 'reset' : 'below' } },
      };
    }
    if (!firing) return undefined;
    const top = Math.max(level ?? 0, periodOver ? 0 : (active.level ?? 0));
    const escalated = top > (active.level ?? 0) || o.blocked !== v.blocked;
    // Rolling windows move their reset forward while busy: follow it without a new message.
    const periodEnd = o.resetsAt ?? active.periodEnd ?? null;
    if (escalated) return { ...active, level: top, periodEnd, view: view(o, top, samples, now) };
    if (periodEnd !== (active.periodEnd ?? null) || periodOver) return { ...active, level: top, periodEnd };
    return undefined;
  }

  if (!firing) return undefined;
  const samePeriod = rec !== undefined && rec.periodEnd != null && now < rec.periodEnd;
  if (rec && samePeriod) {
    const top = Math.max(level ?? 0, rec.level ?? 0);
    const { resolvedAt: _, ...open } = rec;
    return { ...open, state: 'active', level: top, periodEnd: o.resetsAt ?? rec.periodEnd, view: view(o, top, samples, now) };
  }
  return { ...newRecord(o.id, view(o, level, samples, now), now, rec), level, periodEnd: o.resetsAt };
}

/** A quota that is no longer reported (key deleted, quota detached, meter gone) resolves. */
export function quotaGone(rec: AlertRecord | undefined, now: number): AlertRecord | undefined {
  if (rec?.state !== 'active' || rec.view.kind !== 'quota') return undefined;
  return {
    ...rec,
    state: 'resolved',
    resolvedAt: now,
    view: { ...rec.view, resolved: { at: now, percent: rec.view.percent, reason: 'gone' } },
  };
}

/** Records this poll's readings (for the burn rate) in one write; drops series not read for a while. */
export async function recordSamples(store: StateStore, obs: readonly QuotaObs[], now: number): Promise<SampleBook> {
  const { value } = await mutate<SampleBook>(store, SAMPLES_KEY, (cur) => {
    const next: SampleBook = {};
    for (const [id, list] of Object.entries(cur ?? {})) {
      const last = list[list.length - 1];
      if (last && now - last.t <= RATE_WINDOW_MS) next[id] = list;
    }
    if (obs.length === 0 && Object.keys(next).length === Object.keys(cur ?? {}).length) return undefined;
    for (const o of obs) next[o.id] = addSample(cur?.[o.id] ?? [], { t: now, used: o.used ?? o.percent });
    return next;
  });
  return value ?? {};
}

/** Applies one group of readings (meters, or key quotas) to the alerts. */
export async function applyQuotaReadings(
  book: AlertBook,
  obs: readonly QuotaObs[],
  prefix: string,
  now: number,
  thresholds: readonly number[],
  samples: SampleBook,
): Promise<void> {
  const seen = new Set<string>();
  for (const o of obs) {
    seen.add(o.id);
    await book.change(o.id, (rec) => quotaNext(rec, o, now, thresholds, samples[o.id] ?? []));
  }
  for (const r of await book.active('quota')) {
    if (r.id.startsWith(prefix) && !seen.has(r.id)) await book.change(r.id, (cur) => quotaGone(cur, now));
  }
}
