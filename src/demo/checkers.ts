import type { DemoState } from './state.js';
import type { CheckerSnapshot, Meter, ProviderConfig } from './types.js';

export const CHECKER_TYPES: { type: string; displayName: string }[] = [
  ['naga', 'Naga'],
  ['synthetic', 'Synthetic'],
  ['nanogpt', 'NanoGPT'],
  ['zai', 'ZAI Coding Plan (Global)'],
  ['moonshot', 'Moonshot'],
  ['novita', 'Novita'],
  ['minimax', 'MiniMax'],
  ['minimax-coding', 'MiniMax Coding'],
  ['openrouter', 'OpenRouter'],
  ['kilo', 'Kilo'],
  ['openai-codex', 'OpenAI Codex'],
  ['kimi-code', 'Kimi Code'],
  ['claude-code', 'Claude Code'],
  ['copilot', 'GitHub Copilot'],
  ['wisdomgate', 'Wisdom Gate'],
  ['apertis', 'Apertis'],
  ['poe', 'POE'],
  ['routing-run', 'Routing.run'],
  ['ollama', 'Ollama'],
  ['neuralwatt', 'Neuralwatt'],
  ['zenmux', 'Zenmux'],
  ['devpass', 'DevPass'],
  ['wafer', 'Wafer'],
  ['opencode-go', 'OpenCode Go'],
  ['crof', 'Crof'],
  ['exedev', 'exe.dev'],
  ['hyper', 'Hyper'],
  ['deepseek', 'DeepSeek'],
  ['sakana', 'Sakana'],
  ['cline', 'Cline'],
].map(([type, displayName]) => ({ type: type as string, displayName: displayName as string }));

const BALANCE_TYPES = new Set(['openrouter', 'naga', 'nanogpt', 'novita', 'moonshot', 'deepseek', 'kilo', 'poe', 'wisdomgate', 'cline']);

export function meterStatus(pct: number): Meter['status'] {
  if (pct >= 100) return 'exhausted';
  if (pct >= 90) return 'critical';
  if (pct >= 75) return 'warning';
  return 'ok';
}

export function balanceMeter(limit: number, used: number): Meter {
  const pct = (used / limit) * 100;
  return {
    key: 'balance',
    label: 'Account credits',
    kind: 'balance',
    unit: 'usd',
    limit,
    used,
    remaining: Math.round((limit - used) * 100) / 100,
    utilizationPercent: pct,
    status: meterStatus(pct),
  };
}

export function allowanceMeter(
  key: string,
  label: string,
  unit: string,
  limit: number,
  used: number,
  period: { value: number; unit: string; cycle: 'rolling' | 'fixed'; resetsAt: string },
): Meter {
  const pct = (used / limit) * 100;
  return {
    key,
    label,
    kind: 'allowance',
    unit,
    limit,
    used,
    remaining: limit - used,
    utilizationPercent: pct,
    status: meterStatus(pct),
    periodValue: period.value,
    periodUnit: period.unit,
    periodCycle: period.cycle,
    resetsAt: period.resetsAt,
  };
}

/** Checker id as Plexus derives it: explicit `id`, else the provider slug. */
export function checkerIdFor(slug: string, p: ProviderConfig): string | undefined {
  const qc = p.quota_checker;
  if (!qc) return undefined;
  return typeof qc.id === 'string' && qc.id !== '' ? qc.id : slug;
}

/** Fresh meters for a checker: the previous reading if there is one, else plausible defaults by type. */
function freshMeters(type: string, previous: Meter[] | undefined, now: number): Meter[] {
  if (previous && previous.length > 0) return structuredClone(previous);
  if (BALANCE_TYPES.has(type)) return [balanceMeter(25, 4.75)];
  return [
    allowanceMeter('rolling_5h', 'Rolling 5-hour limit', 'requests', 500, 42, {
      value: 5,
      unit: 'hour',
      cycle: 'rolling',
      resetsAt: new Date(now + 3 * 3_600_000).toISOString(),
    }),
  ];
}

/** Runs a (simulated) quota check for a provider's checker and records it in snapshots and history. */
export function runCheck(state: DemoState, slug: string, p: ProviderConfig): CheckerSnapshot | undefined {
  const id = checkerIdFor(slug, p);
  const qc = p.quota_checker;
  if (!id || !qc) return undefined;
  const now = state.now();
  const prev = state.quotaSnapshots.get(id);
  const snap: CheckerSnapshot = {
    checkerId: id,
    checkerType: qc.type,
    provider: slug,
    checkedAt: new Date(now).toISOString(),
    success: true,
    meters: freshMeters(qc.type, prev?.meters, now),
  };
  state.quotaSnapshots.set(id, snap);
  recordHistory(state, snap, now);
  return snap;
}

/** One quota-history row of a meter, as `GET quotas/{id}/history` lists it. */
export function historyRow(snap: CheckerSnapshot, m: CheckerSnapshot['meters'][number], createdAt: string) {
  return {
    checkerId: snap.checkerId,
    checkerType: snap.checkerType,
    provider: snap.provider,
    meterKey: m.key,
    kind: m.kind,
    unit: m.unit,
    label: m.label,
    group: (m.group as string | undefined) ?? null,
    scope: (m.scope as string | undefined) ?? null,
    limit: m.limit,
    used: m.used,
    remaining: m.remaining,
    utilizationState: 'reported',
    utilizationPercent: m.utilizationPercent,
    status: m.status,
    periodValue: (m.periodValue as number | undefined) ?? null,
    periodUnit: (m.periodUnit as string | undefined) ?? null,
    periodCycle: (m.periodCycle as string | undefined) ?? null,
    resetsAt: (m.resetsAt as string | undefined) ?? null,
    success: snap.success,
    errorMessage: snap.error ?? null,
    checkedAt: snap.checkedAt,
    createdAt,
  };
}

export function recordHistory(state: DemoState, snap: CheckerSnapshot, createdAt: number): void {
  for (const m of snap.meters) state.addHistory(historyRow(snap, m, new Date(createdAt).toISOString()));
}

/** Keeps snapshots in line with provider config: new checkers run at once, removed ones disappear. */
export function syncCheckers(state: DemoState): void {
  const wanted = new Map<string, string>();
  for (const [slug, p] of Object.entries(state.providers)) {
    const id = checkerIdFor(slug, p);
    if (id && p.quota_checker?.enabled !== false) wanted.set(id, slug);
  }
  for (const id of [...state.quotaSnapshots.keys()]) if (!wanted.has(id)) state.quotaSnapshots.delete(id);
  for (const [id, slug] of wanted) {
    const p = state.providers[slug];
    const snap = state.quotaSnapshots.get(id);
    if (p && (!snap || snap.checkerType !== p.quota_checker?.type || snap.provider !== slug)) {
      if (snap && snap.checkerType !== p.quota_checker?.type) state.quotaSnapshots.delete(id);
      runCheck(state, slug, p);
    }
  }
}
