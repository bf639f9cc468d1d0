import { z } from 'zod';

const RELATIVE = /^(\d+(?:\.\d+)?)\s*(m|min|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** `now`, a duration ago (`30m`, `24h`, `7d`, `2w`) or an ISO date/time (UTC unless it says otherwise). */
export function parseTimeInput(value: string, now: number): number | undefined {
  const v = value.trim();
  if (v.toLowerCase() === 'now') return now;
  const rel = RELATIVE.exec(v);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]!.toLowerCase()]!;
  if (!ISO_DATE.test(v)) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(v) && v.length > 10;
  const t = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : hasZone ? v : `${v.replace(' ', 'T')}Z`);
  return Number.isNaN(t) ? undefined : t;
}

export const TIME_HINT = 'a time such as 2026-11-20, 2026-11-20T14:00Z, now, or an age such as 30m, 24h, 7d';

/** Schema for a time argument; the command resolves it against its clock. */
export const timeArg = () => z.string().refine((v) => parseTimeInput(v, Date.now()) !== undefined, { error: `expected ${TIME_HINT}` });
