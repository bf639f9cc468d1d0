import { BotError } from '../base/errors.js';
import { parsePrometheus, type Sample } from '../plexus/prometheus-text.js';

export interface Usage {
  requests: number;
  /** null: this Plexus does not report cost at this level. */
  cost: number | null;
}

/** The cumulative counters a digest needs, as read at `at`. */
export interface CounterSnapshot {
  at: number;
  requests: number;
  errors: number;
  providers: Record<string, Usage>;
  aliases: Record<string, Usage>;
  keys: Record<string, Usage>;
}

function byLabel(samples: Sample[], name: string, label: string): Record<string, number> | null {
  const hits = samples.filter((s) => s.name === name);
  if (hits.length === 0) return null;
  const out: Record<string, number> = {};
  for (const s of hits) {
    const k = s.labels[label];
    if (k !== undefined) out[k] = (out[k] ?? 0) + s.value;
  }
  return out;
}

function usage(requests: Record<string, number> | null, cost: Record<string, number> | null): Record<string, Usage> {
  const out: Record<string, Usage> = {};
  for (const [k, n] of Object.entries(requests ?? {})) out[k] = { requests: n, cost: cost ? (cost[k] ?? 0) : null };
  return out;
}

/** Reads `GET metrics`. Per-key cost comes from the attribution counters (summed over attributions). */
export function snapshotOf(text: string, at: number): CounterSnapshot {
  // Counters are finite; a +Inf bucket bound or a NaN would poison every sum.
  const s = parsePrometheus(text).filter((x) => Number.isFinite(x.value));
  const total = (name: string) => s.filter((x) => x.name === name).reduce((a, x) => a + x.value, 0);
  if (!s.some((x) => x.name === 'plexus_requests_total')) {
    throw new BotError('UPSTREAM_INVALID', 'The metrics answer of Plexus has no plexus_requests_total counter.');
  }
  return {
    at,
    requests: total('plexus_requests_total'),
    errors: total('plexus_errors_total'),
    providers: usage(byLabel(s, 'plexus_provider_requests_total', 'provider'), byLabel(s, 'plexus_provider_cost_usd_total', 'provider')),
    aliases: usage(byLabel(s, 'plexus_model_alias_requests_total', 'model_alias'), null),
    keys: usage(byLabel(s, 'plexus_api_key_requests_total', 'api_key'), byLabel(s, 'plexus_api_key_attribution_cost_usd_total', 'api_key')),
  };
}

export interface CounterDelta {
  from: number;
  to: number;
  requests: number;
  errors: number;
  /** Sum of the provider cost counters; null when Plexus reports none. */
  cost: number | null;
  providers: Record<string, Usage>;
  aliases: Record<string, Usage>;
  keys: Record<string, Usage>;
  /** A counter went down: Plexus was reset in between, so its current value is used. */
  reset: boolean;
}

/** Differences between two snapshots (Prometheus convention: a counter that went down restarted from 0). */
export function deltaOf(cur: CounterSnapshot, prev: CounterSnapshot): CounterDelta {
  let reset = false;
  const d = (a: number, b: number | undefined): number => {
    if (b === undefined) return a;
    if (a < b) {
      reset = true;
      return a;
    }
    return a - b;
  };
  const group = (c: Record<string, Usage>, p: Record<string, Usage>): Record<string, Usage> => {
    const out: Record<string, Usage> = {};
    for (const [k, u] of Object.entries(c)) {
      const before = p[k];
      out[k] = { requests: d(u.requests, before?.requests), cost: u.cost === null ? null : d(u.cost, before?.cost ?? undefined) };
    }
    return out;
  };
  const providers = group(cur.providers, prev.providers);
  const list = Object.values(providers);
  return {
    from: prev.at,
    to: cur.at,
    requests: d(cur.requests, prev.requests),
    errors: d(cur.errors, prev.errors),
    cost: list.some((u) => u.cost === null) ? null : list.reduce((a, u) => a + (u.cost ?? 0), 0),
    providers,
    aliases: group(cur.aliases, prev.aliases),
    keys: group(cur.keys, prev.keys),
    reset,
  };
}

/** All-time totals as a delta from zero (when there is no earlier snapshot). */
export const sinceZero = (cur: CounterSnapshot): CounterDelta =>
  deltaOf(cur, { at: 0, requests: 0, errors: 0, providers: {}, aliases: {}, keys: {} });
