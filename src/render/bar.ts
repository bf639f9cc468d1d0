/** A fixed-width progress bar for a ratio (0..1, clamped): "███████░░░". */
export function bar(ratio: number, width = 10): string {
  const r = Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 0;
  const full = Math.round(r * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}
