import type { DemoState } from './state.js';
import type { UsageRecord } from './types.js';

export interface PerformanceRow {
  provider: string;
  model: string;
  target_model: string;
  avg_ttft_ms: number;
  min_ttft_ms: number;
  max_ttft_ms: number;
  avg_tokens_per_sec: number;
  min_tokens_per_sec: number;
  max_tokens_per_sec: number;
  avg_e2e_tokens_per_sec: number;
  min_e2e_tokens_per_sec: number;
  max_e2e_tokens_per_sec: number;
  sample_count: number;
  success_count: number;
  failure_count: number;
  last_updated: number;
}

const SAMPLES = 100;

const stats = (xs: number[]) =>
  xs.length === 0
    ? { avg: 0, min: 0, max: 0 }
    : { avg: xs.reduce((a, b) => a + b, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs) };

/** Per provider/model performance over the latest samples (snake_case, like upstream). */
export function performanceRows(state: DemoState): PerformanceRow[] {
  const groups = new Map<string, UsageRecord[]>();
  for (const r of state.usage) {
    const provider = r.finalAttemptProvider ?? r.provider;
    const model = r.finalAttemptModel ?? r.selectedModelName;
    if (!provider || !model) continue;
    const reset = state.performanceResets.get(model);
    if (reset !== undefined && r.startTime <= reset) continue;
    const k = `${provider}\u0000${model}`;
    const list = groups.get(k) ?? [];
    list.push(r);
    groups.set(k, list);
  }
  const rows: PerformanceRow[] = [];
  for (const [k, all] of groups) {
    const [provider, model] = k.split('\u0000') as [string, string];
    const recent = all.slice(-SAMPLES);
    const ok = recent.filter((r) => r.responseStatus === 'success');
    const ttft = stats(ok.map((r) => r.ttftMs ?? 0));
    const tps = stats(ok.map((r) => r.tokensPerSec ?? 0));
    const e2e = stats(ok.map((r) => ((r.tokensOutput ?? 0) / Math.max(r.durationMs, 1)) * 1000));
    rows.push({
      provider,
      model,
      target_model: model,
      avg_ttft_ms: ttft.avg,
      min_ttft_ms: ttft.min,
      max_ttft_ms: ttft.max,
      avg_tokens_per_sec: tps.avg,
      min_tokens_per_sec: tps.min,
      max_tokens_per_sec: tps.max,
      avg_e2e_tokens_per_sec: e2e.avg,
      min_e2e_tokens_per_sec: e2e.min,
      max_e2e_tokens_per_sec: e2e.max,
      sample_count: recent.length,
      success_count: ok.length,
      failure_count: recent.length - ok.length,
      last_updated: Math.max(...recent.map((r) => r.startTime + r.durationMs)),
    });
  }
  return rows.sort((a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model));
}

type Labels = Record<string, string>;

class PromWriter {
  private out: string[] = [];

  metric(name: string, type: 'counter' | 'gauge', help: string, samples: [Labels, number][]): void {
    this.out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
        .join(',');
      this.out.push(`${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`);
    }
    this.out.push('');
  }

  text(): string {
    return `${this.out.join('\n')}\n`;
  }
}

function groupBy(rows: UsageRecord[], key: (r: UsageRecord) => string | null): Map<string, UsageRecord[]> {
  const m = new Map<string, UsageRecord[]>();
  for (const r of rows) {
    const k = key(r);
    if (k === null) continue;
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return new Map([...m.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

const sum = (rows: UsageRecord[], f: (r: UsageRecord) => number | null) => rows.reduce((s, r) => s + (f(r) ?? 0), 0);
const tokens = (r: UsageRecord) => (r.tokensInput ?? 0) + (r.tokensOutput ?? 0) + (r.tokensCached ?? 0) + (r.tokensCacheWrite ?? 0);
const isError = (r: UsageRecord) => r.responseStatus !== 'success';

/** Prometheus text exposition (0.0.4) computed from the current state. */
export function renderMetrics(state: DemoState): string {
  const w = new PromWriter();
  const all = state.usage;
  const now = state.now();
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  const today = all.filter((r) => r.startTime >= midnight.getTime());
  const tokenTypes: [string, (r: UsageRecord) => number | null][] = [
    ['input', (r) => r.tokensInput],
    ['output', (r) => r.tokensOutput],
    ['cached', (r) => r.tokensCached],
    ['cache_write', (r) => r.tokensCacheWrite],
  ];
  w.metric('plexus_requests_total', 'counter', 'Total number of requests processed by Plexus since the database was created.', [
    [{}, all.length],
  ]);
  w.metric('plexus_errors_total', 'counter', 'Total number of non-success responses (errors) across all providers.', [
    [{}, all.filter(isError).length],
  ]);
  w.metric(
    'plexus_tokens_total',
    'counter',
    'Total tokens processed, broken down by token type (input, output, cached, cache_write).',
    tokenTypes.map(([t, f]) => [{ type: t }, sum(all, f)]),
  );
  w.metric('plexus_energy_kwh_total', 'counter', 'Total estimated energy consumption in kilowatt-hours across all requests.', [
    [{}, sum(all, (r) => r.kwhUsed)],
  ]);
  w.metric('plexus_requests_today', 'gauge', 'Number of requests processed since local midnight.', [[{}, today.length]]);
  w.metric('plexus_errors_today', 'gauge', 'Number of non-success responses since local midnight.', [[{}, today.filter(isError).length]]);
  w.metric('plexus_cost_today_usd', 'gauge', 'Total cost in USD for requests processed since local midnight.', [
    [{}, sum(today, (r) => r.costTotal)],
  ]);
  w.metric('plexus_avg_duration_ms', 'gauge', 'Average request duration in milliseconds.', [
    [{}, all.length ? sum(all, (r) => r.durationMs) / all.length : 0],
  ]);

  const byProvider = groupBy(all, (r) => r.provider);
  const p = (name: string, type: 'counter' | 'gauge', help: string, f: (rows: UsageRecord[]) => number) =>
    w.metric(
      name,
      type,
      help,
      [...byProvider].map(([k, rows]) => [{ provider: k }, f(rows)]),
    );
  p('plexus_provider_requests_total', 'counter', 'Requests per provider.', (rows) => rows.length);
  p('plexus_provider_errors_total', 'counter', 'Errors per provider.', (rows) => rows.filter(isError).length);
  p('plexus_provider_tokens_total', 'counter', 'Tokens per provider.', (rows) => sum(rows, tokens));
  p('plexus_provider_cost_usd_total', 'counter', 'Cost in USD per provider.', (rows) => sum(rows, (r) => r.costTotal));
  p(
    'plexus_provider_avg_latency_ms',
    'gauge',
    'Average request latency per provider.',
    (rows) => sum(rows, (r) => r.durationMs) / rows.length,
  );

  const byAlias = groupBy(all, (r) => r.incomingModelAlias);
  w.metric(
    'plexus_model_alias_requests_total',
    'counter',
    'Requests per model alias.',
    [...byAlias].map(([k, rows]) => [{ model_alias: k }, rows.length]),
  );
  w.metric(
    'plexus_model_alias_tokens_total',
    'counter',
    'Tokens per model alias.',
    [...byAlias].map(([k, rows]) => [{ model_alias: k }, sum(rows, tokens)]),
  );
  const byKey = groupBy(all, (r) => r.apiKey);
  w.metric(
    'plexus_api_key_requests_total',
    'counter',
    'Requests per API key.',
    [...byKey].map(([k, rows]) => [{ api_key: k }, rows.length]),
  );
  w.metric(
    'plexus_api_key_tokens_total',
    'counter',
    'Tokens per API key.',
    [...byKey].map(([k, rows]) => [{ api_key: k }, sum(rows, tokens)]),
  );

  const cds = state.activeCooldowns();
  const cd = (c: { provider: string; model: string }) => ({ provider: c.provider, model: c.model });
  w.metric(
    'plexus_cooldown_active',
    'gauge',
    'Whether a provider/model is on cooldown.',
    cds.map((c) => [cd(c), 1]),
  );
  w.metric(
    'plexus_cooldown_time_remaining_ms',
    'gauge',
    'Milliseconds until the cooldown ends.',
    cds.map((c) => [cd(c), c.expiry - now]),
  );
  w.metric(
    'plexus_cooldown_consecutive_failures',
    'gauge',
    'Consecutive failures behind the cooldown.',
    cds.map((c) => [cd(c), c.consecutiveFailures]),
  );

  const perf = performanceRows(state);
  const pl = (r: PerformanceRow) => ({ provider: r.provider, model: r.model });
  w.metric(
    'plexus_perf_avg_ttft_ms',
    'gauge',
    'Average time to first token.',
    perf.map((r) => [pl(r), r.avg_ttft_ms]),
  );
  w.metric(
    'plexus_perf_avg_tokens_per_sec',
    'gauge',
    'Average output tokens per second.',
    perf.map((r) => [pl(r), r.avg_tokens_per_sec]),
  );
  w.metric(
    'plexus_perf_sample_count',
    'gauge',
    'Performance samples.',
    perf.map((r) => [pl(r), r.sample_count]),
  );
  return w.text();
}
