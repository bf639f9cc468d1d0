import { CHECKER_TYPES, checkerIdFor, runCheck } from '../checkers.js';
import { ok, plainError } from '../http.js';
import type { Router } from '../router.js';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `since=1d|12h|30m|ISO` → ms, or undefined when absent/unparseable. */
function parseSince(since: string | null, now: number): number | undefined {
  if (!since) return undefined;
  const rel = /^(\d+)([mhdw])$/.exec(since);
  if (rel) return now - Number(rel[1]) * (UNIT_MS[rel[2] as string] ?? 0);
  const abs = Date.parse(since);
  return Number.isFinite(abs) ? abs : undefined;
}

export function registerQuotaRoutes(r: Router): void {
  r.get('/quota-checker-types', 'admin', () => ok({ types: CHECKER_TYPES, count: CHECKER_TYPES.length }));

  r.get('/quota-checkers', 'admin', (ctx) => {
    const configured = [...ctx.state.quotaSnapshots.values()].map((s) => ({
      checkerId: s.checkerId,
      checkerType: s.checkerType,
      displayName: CHECKER_TYPES.find((t) => t.type === s.checkerType)?.displayName ?? s.checkerType,
      pending: false,
      meters: s.meters,
      success: s.success,
      ...(s.error ? { error: s.error } : {}),
    }));
    return ok({ knownTypes: CHECKER_TYPES, configured });
  });

  r.get('/quotas', 'admin', (ctx) => ok([...ctx.state.quotaSnapshots.values()]));

  r.get('/quotas/:checkerId', 'admin', (ctx) => {
    const id = ctx.params.checkerId as string;
    return ok(ctx.state.quotaSnapshots.get(id) ?? { success: false, meters: [], checkerId: id });
  });

  r.post('/quotas/:checkerId/check', 'admin', (ctx) => {
    const id = ctx.params.checkerId as string;
    const entry = Object.entries(ctx.state.providers).find(([slug, p]) => checkerIdFor(slug, p) === id);
    const snap = entry ? runCheck(ctx.state, entry[0], entry[1]) : undefined;
    if (!snap) throw plainError(404, `Quota checker '${id}' not found`);
    return ok(snap);
  });

  r.get('/quotas/:checkerId/history', 'admin', (ctx) => {
    const id = ctx.params.checkerId as string;
    const meterKey = ctx.query.get('meterKey');
    const since = parseSince(ctx.query.get('since'), ctx.state.now());
    const history = ctx.state.quotaHistory.filter(
      (h) => h.checkerId === id && (!meterKey || h.meterKey === meterKey) && (since === undefined || Date.parse(h.checkedAt) >= since),
    );
    return ok({
      checkerId: id,
      ...(meterKey ? { meterKey } : {}),
      ...(since !== undefined ? { since: new Date(since).toISOString() } : {}),
      history,
    });
  });
}
