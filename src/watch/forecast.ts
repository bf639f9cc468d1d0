import { formatDuration } from '../render/format.js';

export interface Sample {
  /** Epoch ms. */
  t: number;
  used: number;
}

export interface Forecast {
  /** When the limit is reached at the recent rate; null when not before reset, not rising, or unknown. */
  exhaustAt: number | null;
  text: string;
}

/** Samples kept per meter, and how far back the rate looks. */
export const MAX_SAMPLES = 30;
export const RATE_WINDOW_MS = 2 * 3_600_000;

/**
 * Adds a sample, keeping only the recent ones of the current period: a drop
 * in usage means the period reset (or a quota was cleared), so the older
 * samples no longer say anything about the rate.
 */
export function addSample(samples: readonly Sample[], s: Sample): Sample[] {
  const last = samples[samples.length - 1];
  const kept = last && s.used < last.used ? [] : samples.filter((x) => x.t < s.t && s.t - x.t <= RATE_WINDOW_MS);
  return [...kept, s].slice(-MAX_SAMPLES);
}

/** Least-squares slope of usage over time (units per ms); null with fewer than two distinct times. */
export function burnRate(samples: readonly Sample[]): number | null {
  if (samples.length < 2) return null;
  const n = samples.length;
  const t0 = samples[0]!.t;
  let st = 0;
  let su = 0;
  for (const s of samples) {
    st += s.t - t0;
    su += s.used;
  }
  const mt = st / n;
  const mu = su / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    const dt = s.t - t0 - mt;
    num += dt * (s.used - mu);
    den += dt * dt;
  }
  return den > 0 ? num / den : null;
}

/**
 * "at this rate exhausted in about 3 h" from the recent samples, or "not
 * before reset" when the limit would be reached after `resetsAt`.
 */
export function forecast(samples: readonly Sample[], limit: number | null, now: number, resetsAt: number | null): Forecast {
  const last = samples[samples.length - 1];
  if (limit === null || limit <= 0 || !last) return { exhaustAt: null, text: 'no forecast (no limit reported)' };
  if (last.used >= limit) return { exhaustAt: last.t, text: 'limit reached' };
  const rate = burnRate(samples);
  if (rate === null) return { exhaustAt: null, text: 'no forecast yet (needs another reading)' };
  if (rate <= 0) return { exhaustAt: null, text: 'usage is not rising: not exhausted at this rate' };
  // Extrapolate from the latest reading, not from the fitted line's end: that is what the user sees.
  const exhaustAt = Math.max(now, last.t + (limit - last.used) / rate);
  if (resetsAt !== null && exhaustAt >= resetsAt)
    return { exhaustAt: null, text: `at this rate not exhausted before the reset (in ${formatDuration(resetsAt - now)})` };
  return { exhaustAt, text: `at this rate exhausted in about ${formatDuration(exhaustAt - now)}` };
}
