import type { Logger } from 'pino';
import { orNull } from '../plexus/not-found.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import type { PlexusApi } from '../base/plexus-api.js';

/** One quota reading: a provider meter or one user quota of a key. */
export interface QuotaObs {
  /** `quota:meter:<checkerId>/<meterKey>` or `quota:key:<key>/<quota>` */
  id: string;
  subject: 'key' | 'meter';
  /** `web-app` / `anthropic` */
  owner: string;
  /** `requests-daily` / `Five-hour window` */
  name: string;
  percent: number;
  used: number | null;
  limit: number | null;
  /** `requests` | `tokens` | `cost` | `usd` | `percentage` … */
  unit: string | null;
  blocked: boolean;
  resetsAt: number | null;
}

const ms = (iso: string | null | undefined): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
};

/** Provider quota meters (`GET quotas`); meters without a usable percentage are skipped. */
export async function readMeters(plexus: PlexusApi): Promise<QuotaObs[]> {
  const snaps = await plexus.request('GET', mgmtPath('quotas'), { schema: S.quotaSnapshotListSchema });
  const out: QuotaObs[] = [];
  for (const s of snaps) {
    if (s.success === false) continue;
    for (const m of s.meters) {
      const percent = m.utilizationPercent ?? (m.used != null && m.limit ? (m.used / m.limit) * 100 : null);
      if (percent === null || !Number.isFinite(percent)) continue;
      out.push({
        id: `quota:meter:${s.checkerId}/${m.key}`,
        subject: 'meter',
        owner: s.provider ?? s.checkerId,
        name: m.label ?? m.key,
        percent,
        used: m.used ?? null,
        limit: m.limit ?? null,
        unit: m.unit ?? null,
        blocked: m.status === 'exhausted',
        resetsAt: ms(m.resetsAt),
      });
    }
  }
  return out;
}

/** The keys `alerts.keys` names; `*` means every key Plexus has. */
export async function watchedKeys(plexus: PlexusApi, wanted: readonly string[]): Promise<string[]> {
  const names = new Set(wanted.filter((k) => k !== '*'));
  if (wanted.includes('*')) {
    const keys = await plexus.request('GET', mgmtPath('keys'), { schema: S.apiKeyListSchema });
    for (const k of keys) names.add(k.name);
  }
  return [...names].sort();
}

/** Every user quota of the watched keys (`GET quota/status/{key}`). A key that does not exist is skipped with a warning. */
export async function readKeyQuotas(plexus: PlexusApi, wanted: readonly string[], logger: Logger): Promise<QuotaObs[]> {
  const keys = await watchedKeys(plexus, wanted);
  const per = await Promise.all(
    keys.map(async (key) => {
      const status = await orNull(plexus.request('GET', mgmtPath('quota', 'status', key), { schema: S.keyQuotaStatusSchema }));
      if (status) return { key, status };
      logger.warn({ key }, 'alerts.keys names a key Plexus does not know; skipped');
      return undefined;
    }),
  );
  const out: QuotaObs[] = [];
  for (const p of per) {
    if (!p) continue;
    for (const q of p.status.quotas) {
      if (!q.limit || q.limit <= 0) continue;
      const used = q.currentUsage ?? 0;
      out.push({
        id: `quota:key:${p.key}/${q.name}`,
        subject: 'key',
        owner: p.key,
        name: q.name,
        percent: (used / q.limit) * 100,
        used,
        limit: q.limit,
        unit: q.limitType ?? null,
        blocked: q.allowed === false,
        resetsAt: ms(q.resetsAt),
      });
    }
  }
  return out;
}
