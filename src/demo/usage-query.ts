import { plainError } from './http.js';
import type { Principal } from './router.js';
import type { UsageRecord } from './types.js';

const SORTABLE = new Set(['date', 'apiKey', 'provider', 'incomingModelAlias', 'costTotal', 'durationMs']);
const LIKE_FILTERS = ['apiKey', 'provider', 'incomingModelAlias', 'selectedModelName', 'attribution'] as const;
const EXACT_FILTERS = ['responseStatus', 'requestId', 'clientRequestId', 'incomingApiType', 'outgoingApiType'] as const;

/** Applies the `GET usage` filters. Limited principals only ever see their own rows. */
export function filterUsage(rows: UsageRecord[], q: URLSearchParams, principal: Principal): UsageRecord[] {
  const preds: ((r: UsageRecord) => boolean)[] = [];
  if (principal.role === 'limited') {
    const own = principal.keyName;
    preds.push((r) => r.apiKey === own);
  }
  for (const f of LIKE_FILTERS) {
    if (f === 'apiKey' && principal.role === 'limited') continue;
    const v = q.get(f);
    if (v) {
      const needle = v.toLowerCase();
      preds.push((r) => (r[f] ?? '').toLowerCase().includes(needle));
    }
  }
  for (const f of EXACT_FILTERS) {
    const v = q.get(f);
    if (v) preds.push((r) => r[f] === v);
  }
  const start = q.get('startDate');
  const end = q.get('endDate');
  if (start) preds.push((r) => r.date >= start);
  if (end) preds.push((r) => r.date <= end);
  const minD = Number(q.get('minDurationMs') ?? NaN);
  const maxD = Number(q.get('maxDurationMs') ?? NaN);
  if (Number.isFinite(minD)) preds.push((r) => r.durationMs >= minD);
  if (Number.isFinite(maxD)) preds.push((r) => r.durationMs <= maxD);
  return rows.filter((r) => preds.every((p) => p(r)));
}

/** Sorts like SQLite would (NULLs smallest). Unknown `sortBy` silently falls back to date. */
export function sortUsage(rows: UsageRecord[], q: URLSearchParams): UsageRecord[] {
  const by = SORTABLE.has(q.get('sortBy') ?? '') ? (q.get('sortBy') as keyof UsageRecord) : 'date';
  const dir = q.get('sortDir') === 'asc' ? 1 : -1;
  const val = (r: UsageRecord) => (by === 'date' ? r.startTime : r[by]);
  return [...rows].sort((a, b) => {
    const x = val(a);
    const y = val(b);
    if (x === y) return dir * (a.startTime - b.startTime);
    if (x === null || x === undefined) return -dir;
    if (y === null || y === undefined) return dir;
    return (x < y ? -1 : 1) * dir;
  });
}

/** `fields=a,b,c`: unknown names are dropped; with none left the full record is returned. */
export function projectUsage(rows: UsageRecord[], fieldsParam: string | null): Record<string, unknown>[] {
  if (!fieldsParam) return rows as unknown as Record<string, unknown>[];
  const known = new Set(Object.keys(rows[0] ?? {}));
  const fields = fieldsParam
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '' && (known.size === 0 || known.has(f)));
  if (fields.length === 0) return rows as unknown as Record<string, unknown>[];
  return rows.map((r) => Object.fromEntries(fields.filter((f) => f in r).map((f) => [f, (r as unknown as Record<string, unknown>)[f]])));
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const RANGES: Record<string, { span: number; bucket: number }> = {
  hour: { span: HOUR, bucket: MIN },
  day: { span: DAY, bucket: HOUR },
  week: { span: 7 * DAY, bucket: DAY },
  month: { span: 30 * DAY, bucket: DAY },
};
const CUSTOM_BUCKETS = [MIN, 5 * MIN, 15 * MIN, 30 * MIN, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 7 * DAY, 30 * DAY];

const tokensOf = (r: UsageRecord) => (r.tokensInput ?? 0) + (r.tokensOutput ?? 0) + (r.tokensReasoning ?? 0);

/**
 * `GET usage/summary`. Like Plexus, "now" is truncated to the start of the
 * current minute, so requests from the current minute are not counted yet.
 */
export function usageSummary(rows: UsageRecord[], q: URLSearchParams, now: number): Record<string, unknown> {
  const range = q.get('range') ?? 'day';
  const nowMin = Math.floor(now / MIN) * MIN;
  let start: number;
  let end = nowMin;
  let bucket: number;
  if (range === 'custom') {
    const s = q.get('startDate');
    const e = q.get('endDate');
    if (!s || !e) throw plainError(400, 'startDate and endDate are required for custom range');
    start = Date.parse(s);
    end = Math.min(Date.parse(e), nowMin);
    if (!Number.isFinite(start) || !Number.isFinite(end)) throw plainError(400, 'Invalid startDate or endDate');
    const span = Math.max(end - start, 1);
    bucket = CUSTOM_BUCKETS.find((b) => span / b <= 100) ?? 30 * DAY;
  } else {
    const def = RANGES[range];
    if (!def) throw plainError(400, 'Invalid range');
    start = nowMin - def.span;
    bucket = def.bucket;
  }

  const series = new Map<number, Record<string, number>>();
  let totalRequests = 0;
  let totalTokens = 0;
  let totalKwh = 0;
  let totalDuration = 0;
  for (const r of rows) {
    if (r.startTime < start || r.startTime > end) continue;
    const b = Math.floor(r.startTime / bucket) * bucket;
    let s = series.get(b);
    if (!s) {
      s = { bucketStartMs: b, requests: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, kwhUsed: 0, tokens: 0 };
      series.set(b, s);
    }
    s.requests = (s.requests ?? 0) + 1;
    s.inputTokens = (s.inputTokens ?? 0) + (r.tokensInput ?? 0);
    s.outputTokens = (s.outputTokens ?? 0) + (r.tokensOutput ?? 0);
    s.cachedTokens = (s.cachedTokens ?? 0) + (r.tokensCached ?? 0);
    s.cacheWriteTokens = (s.cacheWriteTokens ?? 0) + (r.tokensCacheWrite ?? 0);
    s.kwhUsed = (s.kwhUsed ?? 0) + (r.kwhUsed ?? 0);
    s.tokens = (s.tokens ?? 0) + tokensOf(r);
    totalRequests++;
    totalTokens += tokensOf(r);
    totalKwh += r.kwhUsed ?? 0;
    totalDuration += r.durationMs;
  }

  const midnight = new Date(nowMin);
  midnight.setHours(0, 0, 0, 0);
  const today = {
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    kwhUsed: 0,
    totalCost: 0,
  };
  for (const r of rows) {
    if (r.startTime < midnight.getTime() || r.startTime > nowMin) continue;
    today.requests++;
    today.inputTokens += r.tokensInput ?? 0;
    today.outputTokens += r.tokensOutput ?? 0;
    today.reasoningTokens += r.tokensReasoning ?? 0;
    today.cachedTokens += r.tokensCached ?? 0;
    today.cacheWriteTokens += r.tokensCacheWrite ?? 0;
    today.kwhUsed += r.kwhUsed ?? 0;
    today.totalCost += r.costTotal ?? 0;
  }

  return {
    range,
    series: [...series.values()].sort((a, b) => (a.bucketStartMs ?? 0) - (b.bucketStartMs ?? 0)),
    stats: {
      totalRequests,
      totalTokens,
      totalKwhUsed: totalKwh,
      avgDurationMs: totalRequests > 0 ? totalDuration / totalRequests : 0,
      totalDurationMs: totalDuration,
    },
    today,
  };
}
