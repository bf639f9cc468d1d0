/** The p-th percentile (nearest rank) of a sample; NaN when it is empty. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

export const median = (xs: readonly number[]): number => percentile(xs, 50);

export const ms = (x: number): string => `${x.toFixed(2)} ms`;
