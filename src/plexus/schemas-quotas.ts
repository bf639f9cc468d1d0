/** Schemas of the runtime state: key quota status, provider quota checkers, cooldowns, performance, concurrency. */
import { z } from 'zod';
import { bool, count, listOf, measure, num, requiredListOf, str } from './schema-helpers.js';

/** One quota of a key in `quota/status/{key}` and `self/quota`. */
export const quotaStatusEntrySchema = z.looseObject({
  name: z.string(),
  /** `requests` | `tokens` | `cost`. */
  limitType: str,
  limit: num,
  currentUsage: num,
  remaining: num,
  allowed: bool,
  resetsAt: str,
  scope: z.unknown().optional(),
  global: bool,
  shared: bool,
  /** `assigned` | `default`. */
  source: str,
});
export type QuotaStatusEntry = z.output<typeof quotaStatusEntrySchema>;

/** One normalized shape for a key's quota status. */
export interface KeyQuotaStatus {
  key: string;
  quotas: QuotaStatusEntry[];
  /** The most constrained quota (null when the key has none). */
  quotaName: string | null;
  allowed: boolean;
  currentUsage: number;
  limit: number | null;
  remaining: number | null;
  resetsAt: string | null;
  limitType: string | null;
}

/** The raw quota status answer: snake_case (`quota/status/{key}`) or camelCase (`self/quota`) top level. */
export const quotaStatusRawSchema = z.looseObject({
  key: z.string(),
  /** `[]` for a key without quota. */
  quotas: requiredListOf(quotaStatusEntrySchema),
  quotaName: str,
  quota_name: str,
  allowed: bool,
  currentUsage: num,
  current_usage: num,
  limit: num,
  remaining: num,
  resetsAt: str,
  resets_at: str,
  limitType: str,
  limit_type: str,
});
export type QuotaStatusRaw = z.output<typeof quotaStatusRawSchema>;

export const normalizeQuotaStatus = (r: QuotaStatusRaw): KeyQuotaStatus => {
  const quotaName = r.quotaName ?? r.quota_name ?? null;
  const main = r.quotas.find((q) => q.name === quotaName);
  return {
    key: r.key ?? '',
    quotas: r.quotas,
    quotaName,
    allowed: r.allowed ?? r.quotas.every((q) => q.allowed !== false),
    currentUsage: r.currentUsage ?? r.current_usage ?? 0,
    limit: r.limit ?? null,
    remaining: r.remaining ?? null,
    resetsAt: r.resetsAt ?? r.resets_at ?? null,
    limitType: r.limitType ?? r.limit_type ?? main?.limitType ?? null,
  };
};

/**
 * `GET quota/status/{key}` (snake_case top level) and `GET self/quota`
 * (camelCase top level), both normalized to {@link KeyQuotaStatus}.
 */
export const keyQuotaStatusSchema = quotaStatusRawSchema.transform(normalizeQuotaStatus);

/** The readings of a meter, shared by live meters and their history rows. */
const meterReading = {
  label: str,
  /** `balance` | `allowance`. */
  kind: str,
  unit: str,
  scope: str,
  group: str,
  limit: num,
  used: num,
  remaining: num,
  utilizationPercent: measure,
  status: str,
  periodValue: num,
  /** `hour` | `day` | … */
  periodUnit: str,
  /** `rolling` | `fixed`. */
  periodCycle: str,
  resetsAt: str,
};

/** A provider quota meter (balance or allowance). */
export const quotaMeterSchema = z.looseObject({ key: z.string(), ...meterReading });
export type QuotaMeter = z.output<typeof quotaMeterSchema>;

/** `GET quotas/{id}`, an item of `GET quotas`, `POST quotas/{id}/check`. Unknown id: `success:false`, no meters. */
export const quotaSnapshotSchema = z.looseObject({
  checkerId: z.string(),
  checkerType: str,
  provider: str,
  checkedAt: str,
  success: bool,
  error: str,
  meters: listOf(quotaMeterSchema),
});
export type QuotaSnapshot = z.output<typeof quotaSnapshotSchema>;

export const quotaSnapshotListSchema = z.array(quotaSnapshotSchema);

export const quotaCheckerTypeSchema = z.looseObject({ type: z.string(), displayName: str });
export type QuotaCheckerType = z.output<typeof quotaCheckerTypeSchema>;

/** `GET quota-checkers`. */
export const quotaCheckersSchema = z.looseObject({
  knownTypes: requiredListOf(quotaCheckerTypeSchema),
  configured: requiredListOf(
    z.looseObject({
      checkerId: z.string(),
      checkerType: str,
      displayName: str,
      pending: bool,
      success: bool,
      error: str,
      meters: listOf(quotaMeterSchema),
    }),
  ),
});
export type QuotaCheckers = z.output<typeof quotaCheckersSchema>;

/** `GET quota-checker-types`. */
export const quotaCheckerTypesSchema = z.looseObject({ types: requiredListOf(quotaCheckerTypeSchema), count: num });
export type QuotaCheckerTypes = z.output<typeof quotaCheckerTypesSchema>;

export const quotaHistoryEntrySchema = z.looseObject({
  id: num,
  checkerId: str,
  checkerType: str,
  provider: str,
  meterKey: str,
  ...meterReading,
  utilizationState: str,
  success: bool,
  errorMessage: str,
  checkedAt: z.string(),
  createdAt: str,
});
export type QuotaHistoryEntry = z.output<typeof quotaHistoryEntrySchema>;

/** `GET quotas/{id}/history`. */
export const quotaHistorySchema = z.looseObject({
  checkerId: str,
  meterKey: str,
  since: str,
  /** `[]` for an unknown checker too. */
  history: requiredListOf(quotaHistoryEntrySchema),
});
export type QuotaHistory = z.output<typeof quotaHistorySchema>;

/** An item of `GET cooldowns` (only unexpired entries are listed). */
export const cooldownEntrySchema = z.looseObject({
  provider: z.string(),
  model: str,
  /** Epoch ms. */
  expiry: num,
  timeRemainingMs: num,
  consecutiveFailures: num,
  lastError: str,
});
export type CooldownEntry = z.output<typeof cooldownEntrySchema>;

export const cooldownListSchema = z.array(cooldownEntrySchema);

/** An item of `GET performance` (snake_case). */
export const performanceEntrySchema = z.looseObject({
  provider: z.string(),
  model: z.string(),
  target_model: str,
  avg_ttft_ms: num,
  min_ttft_ms: num,
  max_ttft_ms: num,
  avg_tokens_per_sec: num,
  min_tokens_per_sec: num,
  max_tokens_per_sec: num,
  avg_e2e_tokens_per_sec: num,
  min_e2e_tokens_per_sec: num,
  max_e2e_tokens_per_sec: num,
  sample_count: num,
  success_count: num,
  failure_count: num,
  last_updated: num,
});
export type PerformanceEntry = z.output<typeof performanceEntrySchema>;

export const performanceListSchema = z.array(performanceEntrySchema);

/** `GET concurrency` (live: provider/model/count/timestamp; timeline: timestamp + group + count). */
export const concurrencySchema = z.looseObject({
  data: requiredListOf(
    z.looseObject({
      provider: str,
      model: str,
      count,
      timestamp: num,
    }),
  ),
});
export type Concurrency = z.output<typeof concurrencySchema>;
