import type { Logger } from 'pino';
import type { BotConfig } from '../config.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import type { PlexusApi } from '../base/plexus-api.js';
import { formatTimestamp } from '../render/format.js';
import { deltaOf, sinceZero, snapshotOf, type CounterDelta, type CounterSnapshot, type Usage } from './metrics-snapshot.js';
import { readKeyQuotas, readMeters, type QuotaObs } from './quota-read.js';
import { reasonOf } from './health-watch.js';

export type DigestDef = BotConfig['digests'][number];
export type Range = DigestDef['range'];

const HOUR = 3_600_000;
export const RANGE_MS: Record<Range, number> = { hour: HOUR, day: 24 * HOUR, week: 7 * 24 * HOUR, month: 30 * 24 * HOUR };
export const SPARK_SLOTS = 24;

export interface Pair {
  cur: number | null;
  prev: number | null;
}

export interface Ranked {
  name: string;
  requests: number;
  cost: number | null;
}

/** Cost and error share of a posted digest, kept as the "previous period" of the next one. */
export interface PeriodFigures {
  start: number;
  end: number;
  cost: number | null;
  errorShare: number | null;
}

export interface DigestFigures {
  name: string;
  range: Range;
  timezone: string;
  start: number;
  end: number;
  requests: Pair;
  tokensIn: Pair;
  tokensOut: Pair;
  cost: Pair;
  avgLatencyMs: Pair;
  errorShare: Pair;
  /** Requests in SPARK_SLOTS equal slots of the period. */
  series: number[];
  top: { providers: Ranked[]; aliases: Ranked[]; keys: Ranked[] };
  cooldowns: { provider: string; model: string | null; expiry: number | null; failures: number | null }[];
  closest: QuotaObs[];
  /** What is partial or missing, in words. */
  notes: string[];
}

export interface BuildInput {
  plexus: PlexusApi;
  logger: Logger;
  def: DigestDef;
  /** End of the period (the scheduled time, or now for a preview). */
  end: number;
  /** When the counters are read (now). */
  now: number;
  /** The metrics snapshot taken at the previous digest. */
  baseline?: CounterSnapshot;
  previous?: PeriodFigures;
  keys: readonly string[];
}

const summaryOf = (plexus: PlexusApi, start: number, end: number) =>
  plexus.request('GET', mgmtPath('usage', 'summary'), {
    query: { range: 'custom', startDate: new Date(start).toISOString(), endDate: new Date(end).toISOString() },
    schema: S.usageSummarySchema,
  });

const sumSeries = (s: S.UsageSummary, f: (p: S.UsageSeriesPoint) => number) => s.series.reduce((a, p) => a + f(p), 0);

function slots(s: S.UsageSummary, start: number, end: number): number[] {
  const out = new Array<number>(SPARK_SLOTS).fill(0);
  const span = Math.max(1, end - start);
  for (const p of s.series) {
    const i = Math.floor(((p.bucketStartMs - start) / span) * SPARK_SLOTS);
    if (i >= 0 && i < SPARK_SLOTS) out[i] = (out[i] ?? 0) + p.requests;
  }
  return out;
}

function rank(group: Record<string, Usage>): Ranked[] {
  const all = Object.entries(group)
    .map(([name, u]) => ({ name, requests: u.requests, cost: u.cost }))
    .filter((r) => r.requests > 0 || (r.cost ?? 0) > 0);
  const byRequests = [...all].sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name)).slice(0, 5);
  const byCost = [...all]
    .filter((r) => r.cost !== null && r.cost > 0)
    .sort((a, b) => (b.cost ?? 0) - (a.cost ?? 0))
    .slice(0, 3);
  const picked = new Map([...byRequests, ...byCost].map((r) => [r.name, r]));
  return [...picked.values()].sort((a, b) => b.requests - a.requests || (b.cost ?? 0) - (a.cost ?? 0));
}

const settle = async <T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> => {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
};

/**
 * A digest from server-side aggregates only (usage summary, metrics
 * counters, cooldowns, quotas): its cost does not grow with the number of
 * usage records. Returns the figures and the metrics snapshot to keep as
 * the next digest's baseline.
 */
export async function buildDigest(input: BuildInput): Promise<{ figures: DigestFigures; snapshot?: CounterSnapshot }> {
  const { plexus, def, end, now } = input;
  const span = RANGE_MS[def.range];
  const start = end - span;
  const [cur, prev, metrics, cooldowns, meters, keyQuotas] = await Promise.all([
    summaryOf(plexus, start, end),
    settle(summaryOf(plexus, start - span, start)),
    settle(plexus.requestRaw('GET', mgmtPath('metrics')).then((r) => snapshotOf(r.body.toString('utf8'), now))),
    settle(plexus.request('GET', mgmtPath('cooldowns'), { schema: S.cooldownListSchema })),
    settle(readMeters(plexus)),
    settle(readKeyQuotas(plexus, input.keys, input.logger)),
  ]);
  const notes: string[] = [];
  const at = (t: number) => `${formatTimestamp(t)} UTC`;
  const p = prev.ok ? prev.value : undefined;
  if (!prev.ok) notes.push(`No comparison with the previous period: ${reasonOf(prev.error)}`);

  let delta: CounterDelta | undefined;
  let top: CounterDelta | undefined;
  if (!metrics.ok) {
    notes.push(`Cost, error share and top lists are missing: the metrics could not be read (${reasonOf(metrics.error)}).`);
  } else if (!input.baseline) {
    top = sinceZero(metrics.value);
    notes.push(
      'Partial: there is no earlier metrics snapshot (this is the first digest), ' +
        'so cost and error share are missing and the top lists are all-time totals.',
    );
  } else {
    delta = deltaOf(metrics.value, input.baseline);
    top = delta;
    if (Math.abs(delta.from - start) > span * 0.1)
      notes.push(
        `Cost, error share and top lists cover ${at(delta.from)} to ${at(delta.to)} (the metrics snapshot kept at the previous digest).`,
      );
    if (delta.reset) notes.push('Plexus counters restarted during the period: cost, error share and top lists may be short.');
  }
  const errorShare = delta && delta.requests > 0 ? delta.errors / delta.requests : delta ? 0 : null;
  if (delta && delta.cost === null) notes.push('This Plexus does not report cost per provider in its metrics.');
  const prevFig = input.previous && Math.abs(input.previous.end - start) <= span * 0.1 ? input.previous : undefined;
  if (delta && !prevFig) notes.push('Cost and error share have no previous period to compare with yet.');

  if (!cooldowns.ok) notes.push(`Cooldowns could not be read (${reasonOf(cooldowns.error)}).`);
  if (!meters.ok) notes.push(`Provider quota meters could not be read (${reasonOf(meters.error)}).`);
  if (!keyQuotas.ok) notes.push(`Key quotas could not be read (${reasonOf(keyQuotas.error)}).`);
  const closest = [...(meters.ok ? meters.value : []), ...(keyQuotas.ok ? keyQuotas.value : [])]
    .filter((q) => q.percent > 0)
    .sort((a, b) => b.percent - a.percent)
    .slice(0, 5);

  const figures: DigestFigures = {
    name: def.name,
    range: def.range,
    timezone: def.timezone,
    start,
    end,
    requests: { cur: cur.stats.totalRequests, prev: p ? p.stats.totalRequests : null },
    tokensIn: { cur: sumSeries(cur, (x) => x.inputTokens), prev: p ? sumSeries(p, (x) => x.inputTokens) : null },
    tokensOut: { cur: sumSeries(cur, (x) => x.outputTokens), prev: p ? sumSeries(p, (x) => x.outputTokens) : null },
    cost: { cur: delta ? delta.cost : null, prev: prevFig?.cost ?? null },
    avgLatencyMs: {
      cur: cur.stats.totalRequests > 0 ? cur.stats.avgDurationMs : null,
      prev: p && p.stats.totalRequests > 0 ? p.stats.avgDurationMs : null,
    },
    errorShare: { cur: errorShare, prev: prevFig?.errorShare ?? null },
    series: slots(cur, start, end),
    top: top
      ? { providers: rank(top.providers), aliases: rank(top.aliases), keys: rank(top.keys) }
      : { providers: [], aliases: [], keys: [] },
    cooldowns: (cooldowns.ok ? cooldowns.value : []).map((c) => ({
      provider: c.provider,
      model: c.model ?? null,
      expiry: c.expiry ?? null,
      failures: c.consecutiveFailures ?? null,
    })),
    closest,
    notes,
  };
  return { figures, snapshot: metrics.ok ? metrics.value : undefined };
}
