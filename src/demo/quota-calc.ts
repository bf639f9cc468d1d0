import type { DemoState } from './state.js';
import type { UsageRecord, UserQuotaDef } from './types.js';

export interface QuotaEntry {
  name: string;
  limitType: string;
  limit: number;
  currentUsage: number;
  remaining: number;
  allowed: boolean;
  resetsAt: string | null;
  scope: Record<string, string[]>;
  global: boolean;
  shared: boolean;
  source: 'assigned' | 'default';
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses durations such as `1h`, `30m`, `1h30m`, `7d`. */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)\s*([smhdw])/g;
  let total = 0;
  let consumed = '';
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
    consumed += m[0];
  }
  return total > 0 && consumed.replace(/\s/g, '') === text.replace(/\s/g, '') ? total : undefined;
}

const DAY = 86_400_000;

function utcMidnight(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

/** Start of the fixed window a quota counts in, and when it resets. Rolling windows are computed from usage. */
export function fixedWindow(type: string, now: number): { start: number; end: number } {
  const d = new Date(now);
  if (type === 'weekly') {
    const dow = (d.getUTCDay() + 6) % 7; // Monday = 0
    const start = utcMidnight(now) - dow * DAY;
    return { start, end: start + 7 * DAY };
  }
  if (type === 'monthly') {
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    return { start, end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
  }
  const start = utcMidnight(now);
  return { start, end: start + DAY };
}

function inScope(def: UserQuotaDef, r: UsageRecord): boolean {
  const models = [r.incomingModelAlias, r.selectedModelName].filter((m): m is string => !!m);
  if (def.allowedProviders?.length && !(r.provider && def.allowedProviders.includes(r.provider))) return false;
  if (def.excludedProviders?.length && r.provider && def.excludedProviders.includes(r.provider)) return false;
  if (def.allowedModels?.length && !models.some((m) => def.allowedModels?.includes(m))) return false;
  if (def.excludedModels?.length && models.some((m) => def.excludedModels?.includes(m))) return false;
  return true;
}

function measure(def: UserQuotaDef, rows: UsageRecord[]): number {
  if (def.limitType === 'requests') return rows.length;
  if (def.limitType === 'tokens') return rows.reduce((s, r) => s + (r.tokensInput ?? 0) + (r.tokensOutput ?? 0), 0);
  const cost = rows.reduce((s, r) => s + (r.costTotal ?? 0), 0);
  return Math.round(cost * 1e6) / 1e6;
}

/** Usage counted against one quota for one key, honouring quota/clear resets unless `ignoreReset`. */
export function quotaUsage(
  state: DemoState,
  keyName: string,
  name: string,
  def: UserQuotaDef,
  ignoreReset = false,
): { used: number; windowStart: number; resetsAt: number } {
  const now = state.now();
  let windowStart: number;
  let end: number | undefined;
  if (def.type === 'rolling') {
    windowStart = now - (parseDuration(def.duration ?? '') ?? 3_600_000);
  } else {
    const w = fixedWindow(def.type, now);
    windowStart = w.start;
    end = w.end;
  }
  const reset = ignoreReset ? undefined : state.quotaResets.get(`${keyName}\u0000${name}`);
  const from = reset !== undefined && reset > windowStart ? reset : windowStart;
  const rows = state.usage.filter(
    (r) => r.startTime > from && r.startTime <= now && (def.shared || r.apiKey === keyName) && inScope(def, r),
  );
  if (end === undefined) {
    const first = rows[0];
    end = first ? first.startTime + (now - windowStart) : now;
  }
  return { used: measure(def, rows), windowStart, resetsAt: end };
}

/** Assigned quota names for a key, or the `default_quotas` setting when it has none. */
export function effectiveQuotaNames(state: DemoState, keyName: string): { names: string[]; source: 'assigned' | 'default' } {
  const assigned = state.keys[keyName]?.quotas ?? [];
  if (assigned.length > 0) return { names: assigned, source: 'assigned' };
  const defaults = state.settings.default_quotas;
  return { names: Array.isArray(defaults) ? (defaults as string[]) : [], source: 'default' };
}

export function quotaEntries(state: DemoState, keyName: string): QuotaEntry[] {
  const { names, source } = effectiveQuotaNames(state, keyName);
  const out: QuotaEntry[] = [];
  for (const name of names) {
    const def = state.userQuotas[name];
    if (!def) continue;
    const { used, resetsAt } = quotaUsage(state, keyName, name, def);
    const scope: Record<string, string[]> = {};
    for (const f of ['allowedProviders', 'excludedProviders', 'allowedModels', 'excludedModels'] as const) {
      const v = def[f];
      if (v && v.length > 0) scope[f] = v;
    }
    out.push({
      name,
      limitType: def.limitType,
      limit: def.limit,
      currentUsage: used,
      remaining: Math.max(0, Math.round((def.limit - used) * 1e6) / 1e6),
      allowed: used < def.limit,
      resetsAt: new Date(resetsAt).toISOString(),
      scope,
      global: Object.keys(scope).length === 0,
      shared: def.shared ?? false,
      source,
    });
  }
  return out;
}

/** The most constrained entry: a blocked one first, else the lowest remaining fraction (first wins ties). */
export function mostConstrained(entries: QuotaEntry[]): QuotaEntry | undefined {
  let best: QuotaEntry | undefined;
  const score = (e: QuotaEntry) => (e.allowed ? e.remaining / e.limit : -1);
  for (const e of entries) if (!best || score(e) < score(best)) best = e;
  return best;
}

/** `GET quota/status/{key}` body (snake_case top level). */
export function quotaStatusBody(state: DemoState, keyName: string): Record<string, unknown> {
  const quotas = quotaEntries(state, keyName);
  const top = mostConstrained(quotas);
  return {
    key: keyName,
    quotas,
    quota_name: top?.name ?? null,
    allowed: quotas.every((q) => q.allowed),
    current_usage: top?.currentUsage ?? 0,
    limit: top?.limit ?? null,
    remaining: top?.remaining ?? null,
    resets_at: top?.resetsAt ?? null,
  };
}

/** `GET self/quota` body: the camelCase twin. */
export function selfQuotaBody(state: DemoState, keyName: string): Record<string, unknown> {
  const quotas = quotaEntries(state, keyName);
  const top = mostConstrained(quotas);
  return {
    key: keyName,
    quotas,
    quotaName: top?.name ?? null,
    allowed: quotas.every((q) => q.allowed),
    currentUsage: top?.currentUsage ?? 0,
    limit: top?.limit ?? null,
    remaining: top?.remaining ?? null,
    resetsAt: top?.resetsAt ?? null,
    limitType: top?.limitType ?? null,
  };
}
