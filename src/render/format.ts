/**
 * Human-readable formatting of numbers, money, durations and times.
 * Every formatter accepts null/undefined/NaN and answers with DASH instead of
 * throwing or printing "NaN", so commands can pass optional API fields as is.
 */

export const DASH = '—';
/** Typographic minus, used where a sign is part of the message (changes). */
export const MINUS = '−';

type Num = number | null | undefined;

const isNum = (n: unknown): n is number => typeof n === 'number' && !Number.isNaN(n);

const infinity = (n: number): string => (n > 0 ? '∞' : '-∞');

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fracFmt = new Map<number, Intl.NumberFormat>();
const fixedFmt = (digits: number): Intl.NumberFormat => {
  let f = fracFmt.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    fracFmt.set(digits, f);
  }
  return f;
};

/**
 * 1234567 → "1,234,567"; fractions keep up to `maxFractionDigits` (default 2)
 * without trailing zeros: 1234.5 → "1,234.5".
 */
export function formatNumber(n: Num, maxFractionDigits = 2): string {
  if (!isNum(n)) return DASH;
  if (!Number.isFinite(n)) return infinity(n);
  if (Number.isInteger(n) || maxFractionDigits <= 0) return intFmt.format(n);
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: Math.min(20, maxFractionDigits) }).format(n);
}

const compactFmt = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** 950 → "950", 1234 → "1.2k", 3_400_000 → "3.4M", 1.2e9 → "1.2B", 5e12 → "5T". */
export function formatCompact(n: Num): string {
  if (!isNum(n)) return DASH;
  if (!Number.isFinite(n)) return infinity(n);
  return compactFmt.format(n).replace('K', 'k');
}

const moneyFixed = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const moneySmall = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  maximumSignificantDigits: 2,
  roundingPriority: 'morePrecision',
});

/**
 * US dollars. Cents from $0.10 up ($12.35, $1,234.00); below that two
 * significant digits so per-request LLM costs stay visible ($0.0003,
 * $0.012). Zero is "$0.00".
 */
export function formatMoney(usd: Num): string {
  if (!isNum(usd)) return DASH;
  if (!Number.isFinite(usd)) return `${usd < 0 ? '-' : ''}$∞`;
  if (usd === 0) return moneyFixed.format(0);
  return Math.abs(usd) >= 0.095 ? moneyFixed.format(usd) : moneySmall.format(usd);
}

/** A ratio as a percentage: formatPercent(0.125) → "12.5 %", formatPercent(1, 0) → "100 %". */
export function formatPercent(x: Num, digits = 1): string {
  if (!isNum(x)) return DASH;
  if (!Number.isFinite(x)) return `${infinity(x)} %`;
  return `${fixedFmt(clampDigits(digits)).format(x * 100)} %`;
}

const clampDigits = (d: number): number => (Number.isFinite(d) ? Math.max(0, Math.min(20, Math.trunc(d))) : 1);

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const pair = (a: number, aUnit: string, b: number, bUnit: string): string => (b === 0 ? `${a} ${aUnit}` : `${a} ${aUnit} ${b} ${bUnit}`);

/**
 * 850 → "850 ms", 2400 → "2.4 s", 45_000 → "45 s", 185_000 → "3 min 5 s",
 * 7_800_000 → "2 h 10 min", 273_600_000 → "3 d 4 h". Negative durations get
 * a leading "-".
 */
export function formatDuration(ms: Num): string {
  if (!isNum(ms)) return DASH;
  if (!Number.isFinite(ms)) return infinity(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (Math.round(ms) < SECOND) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100) / 10;
  if (tenths < 10) return `${tenths.toFixed(1)} s`;
  const s = Math.round(ms / SECOND);
  if (s < 60) return `${s} s`;
  if (s < 3600) return pair(Math.floor(s / 60), 'min', s % 60, 's');
  const m = Math.round(ms / MINUTE);
  if (m < 24 * 60) return pair(Math.floor(m / 60), 'h', m % 60, 'min');
  const h = Math.round(ms / HOUR);
  return pair(Math.floor(h / 24), 'd', h % 24, 'h');
}

export type TimeInput = number | string | Date | null | undefined;

/** Epoch milliseconds of a number (ms), ISO string, digit string or Date; NaN when unusable. */
export function toEpochMs(ts: TimeInput): number {
  if (ts === null || ts === undefined) return NaN;
  if (typeof ts === 'number') return ts;
  if (ts instanceof Date) return ts.getTime();
  const s = ts.trim();
  if (s === '') return NaN;
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  return Date.parse(s);
}

/** Below this distance from now a time is "just now". */
const JUST_NOW_MS = 30 * SECOND;

/**
 * Coarse distance from `now`, one unit: "just now", "in 5 min", "3 h ago",
 * "2 d ago". Units are floored (90 min ago is "1 h ago").
 */
export function formatRelative(ts: TimeInput, now: number): string {
  const t = toEpochMs(ts);
  if (!Number.isFinite(t) || !Number.isFinite(now)) return DASH;
  const diff = t - now;
  const abs = Math.abs(diff);
  if (abs < JUST_NOW_MS) return 'just now';
  let amount: string;
  if (abs < MINUTE) amount = `${Math.floor(abs / SECOND)} s`;
  else if (abs < HOUR) amount = `${Math.floor(abs / MINUTE)} min`;
  else if (abs < DAY) amount = `${Math.floor(abs / HOUR)} h`;
  else amount = `${formatNumber(Math.floor(abs / DAY))} d`;
  return diff > 0 ? `in ${amount}` : `${amount} ago`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * UTC, minutes precision: "2024-03-05 14:07", or just "14:07" when `now` is
 * given and falls on the same UTC day.
 */
export function formatTimestamp(ts: TimeInput, now?: number): string {
  const t = toEpochMs(ts);
  if (!Number.isFinite(t)) return DASH;
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return DASH;
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
  if (now !== undefined && Number.isFinite(now)) {
    const n = new Date(now);
    if (n.getUTCFullYear() === d.getUTCFullYear() && n.getUTCMonth() === d.getUTCMonth() && n.getUTCDate() === d.getUTCDate()) {
      return time;
    }
  }
  const year = d.getUTCFullYear();
  const y = year >= 0 && year <= 9999 ? String(year).padStart(4, '0') : String(year);
  return `${y}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${time}`;
}

const changeFmt = fixedFmt(1);

/**
 * Relative change of `current` against `previous`: "+12.5 %", "−3.0 %",
 * "0.0 %"; "new" when previous is 0 and current is not, "n/a" when both are 0.
 */
export function formatChange(current: Num, previous: Num): string {
  if (!isNum(current) || !isNum(previous) || !Number.isFinite(current) || !Number.isFinite(previous)) return DASH;
  if (previous === 0) return current === 0 ? 'n/a' : 'new';
  const pct = ((current - previous) / Math.abs(previous)) * 100;
  const text = changeFmt.format(Math.abs(pct));
  if (text === '0.0') return '0.0 %';
  return `${pct > 0 ? '+' : MINUS}${text} %`;
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'] as const;

/** Decimal (SI) units: 512 → "512 B", 1536 → "1.5 kB", 2_300_000 → "2.3 MB". */
export function formatBytes(n: Num): string {
  if (!isNum(n)) return DASH;
  if (!Number.isFinite(n)) return infinity(n);
  const sign = n < 0 ? '-' : '';
  let v = Math.abs(n);
  let i = 0;
  while (i < BYTE_UNITS.length - 1 && Math.round(v * 10) / 10 >= 1000) {
    v /= 1000;
    i++;
  }
  if (i === 0) return `${sign}${intFmt.format(Math.round(v))} B`;
  const digits = v < 10 ? 1 : 0;
  return `${sign}${fixedFmt(digits).format(v)} ${BYTE_UNITS[i]}`;
}

/**
 * An amount in a quota's or meter's unit: money for `cost`/`usd`, `42 %` for
 * `percentage`, otherwise the number with its unit (`1,234 requests`).
 */
export function formatAmount(unit: string | null | undefined, n: Num): string {
  if (!isNum(n)) return DASH;
  if (unit === 'cost' || unit === 'usd') return formatMoney(n);
  if (unit === 'percentage') return `${formatNumber(n, 1)} %`;
  return unit ? `${formatNumber(n, 2)} ${unit}` : formatNumber(n, 2);
}
