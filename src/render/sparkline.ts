/** One-line charts from the eight block characters. */

export const SPARK_CHARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

export interface SparklineOptions {
  /** Most characters in the line; longer series are summed into buckets. Default 30. */
  width?: number;
  /** Value drawn as the lowest bar (default: smallest bucket). Use 0 for a zero-based chart. */
  min?: number;
  /** Value drawn as the highest bar (default: largest bucket). */
  max?: number;
}

/**
 * Sums a series into at most `width` buckets of equal size. Buckets are
 * aligned to the end of the series so the most recent points always form
 * full buckets; a shorter first bucket is scaled up to stay comparable.
 */
export function downsample(values: readonly number[], width: number): number[] {
  const w = Math.max(1, Math.floor(width));
  const n = values.length;
  if (n <= w) return values.slice();
  const size = Math.ceil(n / w);
  const out: number[] = [];
  const first = n % size;
  let i = 0;
  if (first > 0) {
    let sum = 0;
    for (; i < first; i++) sum += values[i] ?? 0;
    out.push((sum * size) / first);
  }
  while (i < n) {
    let sum = 0;
    for (let j = 0; j < size; j++, i++) sum += values[i] ?? 0;
    out.push(sum);
  }
  return out;
}

/**
 * sparkline([1, 5, 3]) → "▁█▄". Empty → ''; a flat series is all lowest
 * bars; NaN, ±Infinity and missing values count as 0.
 */
export function sparkline(values: readonly (number | null | undefined)[], opts: SparklineOptions = {}): string {
  if (values.length === 0) return '';
  const clean = values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0));
  const series = downsample(clean, opts.width ?? 30);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of series) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (opts.min !== undefined && Number.isFinite(opts.min)) lo = opts.min;
  if (opts.max !== undefined && Number.isFinite(opts.max)) hi = opts.max;
  const top = SPARK_CHARS.length - 1;
  const range = hi - lo;
  return series
    .map((v) => {
      if (!(range > 0)) return SPARK_CHARS[0];
      const level = Math.round(((v - lo) / range) * top);
      return SPARK_CHARS[Math.max(0, Math.min(top, level))];
    })
    .join('');
}
