/** Schemas of the configuration objects, auth/self answers, settings and write results. */
import { z } from 'zod';
import { bool, boolLike, namedMap, num, numberLike, requiredListOf, str, strList, succeeded } from './schema-helpers.js';

// ---- providers ----------------------------------------------------------

/** `GET providers/{slug}` (no slug field) and each value of `GET providers`. */
export const providerConfigSchema = z.looseObject({
  /** A URL, or a map api type → URL (`{"messages": "http://…"}`). Plexus refuses a provider without it. */
  api_base_url: z.union([z.string(), z.record(z.string(), z.unknown())]),
  display_name: str,
  /** Plaintext secret: mask before showing. */
  api_key: str,
  enabled: bool,
  disable_cooldown: bool,
  stall_cooldown: bool,
  allow_100_percent_utilization: bool,
  estimateTokens: bool,
  useClaudeMasking: bool,
  gemini_thinking_enabled: bool,
  auto_compat: bool,
  /** `{name: {pricing}}` or `[names]`. */
  models: z.union([z.array(z.string()), z.record(z.string(), z.unknown())]).nullish(),
  quota_checker: z
    .looseObject({
      type: str,
      enabled: bool,
      intervalMinutes: num,
      id: str,
      options: z.record(z.string(), z.unknown()).nullish(),
    })
    .nullish(),
  model_autosync: z.looseObject({ enabled: bool, intervalMinutes: num }).nullish(),
});
export type ProviderConfig = z.output<typeof providerConfigSchema>;

/** `GET providers` (a map keyed by slug) → `[{name: slug, ...}]`. */
export const providerListSchema = namedMap(providerConfigSchema);
export type Provider = ProviderConfig & { name: string };

/** Model names of a provider, whichever form `models` has. */
export const providerModelNames = (p: Pick<ProviderConfig, 'models'>): string[] => {
  if (!p.models) return [];
  return Array.isArray(p.models) ? [...p.models] : Object.keys(p.models);
};

/** Base URLs of a provider as `[{apiType, url}]` (`apiType` is `''` for a single URL). */
export const providerBaseUrls = (p: Pick<ProviderConfig, 'api_base_url'>): { apiType: string; url: string }[] => {
  const v = p.api_base_url;
  if (typeof v === 'string') return [{ apiType: '', url: v }];
  if (!v) return [];
  return Object.entries(v).flatMap(([apiType, url]) => (typeof url === 'string' ? [{ apiType, url }] : []));
};

// ---- aliases --------------------------------------------------------------

export const aliasTargetSchema = z.looseObject({ provider: z.string(), model: z.string(), enabled: bool });
export type AliasTarget = z.output<typeof aliasTargetSchema>;

export const aliasTargetGroupSchema = z.looseObject({
  name: str,
  selector: str,
  targets: requiredListOf(aliasTargetSchema),
});
export type AliasTargetGroup = z.output<typeof aliasTargetGroupSchema>;

/** `GET aliases/{slug}` (adds `slug`) and each value of `GET aliases`. */
export const aliasConfigSchema = z.looseObject({
  slug: str,
  /** Always present: Plexus turns the legacy flat form into a `default` group. */
  target_groups: requiredListOf(aliasTargetGroupSchema),
  priority: str,
  use_image_fallthrough: bool,
  enforce_limits: bool,
  sticky_session: bool,
  /** Leftover of the legacy flat form. */
  selector: str,
  additional_aliases: strList,
});
export type AliasConfig = z.output<typeof aliasConfigSchema>;

export const aliasListSchema = namedMap(aliasConfigSchema);
export type Alias = AliasConfig & { name: string };

// ---- keys -----------------------------------------------------------------

/** `GET keys/{name}` and each value of `GET keys`. `secret` is plaintext: mask it. */
export const apiKeyConfigSchema = z.looseObject({
  name: str,
  secret: z.string(),
  comment: str,
  quotas: strList,
  /** Deprecated single quota name. */
  quota: str,
  allowedModels: strList,
  allowedProviders: strList,
  excludedModels: strList,
  excludedProviders: strList,
  allowedIps: strList,
  allowRawPassthrough: bool,
  /** Epoch ms (time-bound keys). */
  expiresAt: num,
  disabledAt: num,
});
export type ApiKeyConfig = z.output<typeof apiKeyConfigSchema>;

export const apiKeyListSchema = namedMap(apiKeyConfigSchema);
export type ApiKey = ApiKeyConfig & { name: string };

// ---- user quotas ------------------------------------------------------------

/** A user quota definition (`GET user-quotas/{name}` adds `name`). */
export const userQuotaConfigSchema = z.looseObject({
  name: str,
  /** `rolling` | `daily` | `weekly` | `monthly`. */
  type: z.string(),
  /** `requests` | `tokens` | `cost`. */
  limitType: z.string(),
  limit: numberLike,
  duration: str,
  allowedProviders: strList,
  excludedProviders: strList,
  allowedModels: strList,
  excludedModels: strList,
  shared: bool,
  warnAt: num,
});
export type UserQuotaConfig = z.output<typeof userQuotaConfigSchema>;

export const userQuotaListSchema = namedMap(userQuotaConfigSchema);
export type UserQuota = UserQuotaConfig & { name: string };

/** `PUT`/`PATCH user-quotas/{name}`. */
export const userQuotaWriteResultSchema = z.looseObject({
  success: succeeded,
  name: str,
  quota: userQuotaConfigSchema.nullish(),
});

// ---- MCP servers --------------------------------------------------------------

/** A remote server has `upstream_url`, a local one (`mode: local_http`) a `package` instead. */
export const mcpServerConfigSchema = z
  .looseObject({
    name: str,
    upstream_url: z.string().optional(),
    enabled: bool,
    auth_scheme: str,
    rate_limit_cooldown_ms: num,
    quota_cooldown_ms: num,
    mode: str,
    launcher: str,
    package: str,
    port: num,
    /** May hold secrets: mask before showing. */
    headers: z.record(z.string(), z.unknown()).nullish(),
  })
  .refine((s) => s.upstream_url !== undefined || (s.mode === 'local_http' && typeof s.package === 'string'), {
    path: ['upstream_url'],
    error: 'expected a string (or mode local_http with a package)',
  });
export type McpServerConfig = z.output<typeof mcpServerConfigSchema>;

export const mcpServerListSchema = namedMap(mcpServerConfigSchema);
export type McpServer = McpServerConfig & { name: string };

// ---- auth / self ----------------------------------------------------------------

const principalFields = {
  keyName: str,
  allowedProviders: strList,
  allowedModels: strList,
  excludedProviders: strList,
  excludedModels: strList,
  quotaNames: strList,
  quotaName: str,
  comment: str,
};

/** `GET auth/verify`: `{ok, role: 'admin'|'limited', …key scope when limited}`. */
export const authVerifySchema = z.looseObject({ ok: bool, role: z.string(), ...principalFields });
export type AuthVerify = z.output<typeof authVerifySchema>;

/** `GET self/me`. */
export const selfMeSchema = z.looseObject({
  role: z.string(),
  ...principalFields,
  allowRawPassthrough: bool,
  traceEnabled: bool,
  traceEnabledGlobal: bool,
});
export type SelfMe = z.output<typeof selfMeSchema>;

/** `POST self/rotate`. The secret goes to the requester privately only. */
export const rotateResultSchema = z.looseObject({ keyName: z.string(), secret: z.string(), message: str });
export type RotateResult = z.output<typeof rotateResultSchema>;

/** `POST self/debug/toggle`. */
export const debugToggleResultSchema = z.looseObject({ keyName: z.string(), enabled: boolLike, enabledGlobal: bool });

// ---- write results ----------------------------------------------------------------

/** Any `{success, …}` answer (`slug`, `name`, `provider`, `message`, `deletedCount` pass through). */
export const successSchema = z.looseObject({
  success: succeeded,
  slug: str,
  name: str,
  provider: str,
  message: str,
  deletedCount: num,
});
export type SuccessResult = z.output<typeof successSchema>;

/** `POST quota/clear` and `POST quota/recompute`. */
export const quotaResetResultSchema = z.looseObject({
  success: succeeded,
  key: z.string(),
  quota: str,
  message: str,
  usage: num,
  windowStartMs: num,
});

/** `POST restore`: row counts per table. */
export const restoreResultSchema = z.looseObject({
  success: succeeded,
  restored: z.record(z.string(), z.unknown()).nullish(),
  message: str,
});

/** `POST providers/fetch-models`. */
export const fetchModelsResultSchema = z.looseObject({
  data: requiredListOf(z.looseObject({ id: z.string(), object: str, created: num, owned_by: str })),
});

// ---- config, settings, logging ------------------------------------------------

export const configStatusSchema = z.looseObject({
  providerCount: numberLike,
  modelAliasCount: numberLike,
  keyCount: numberLike,
  quotaCount: numberLike,
  mcpServerCount: numberLike,
});
export type ConfigStatus = z.output<typeof configStatusSchema>;

// The config sections answer every field of the section (GET, and PATCH after merging): each is required.
export const failoverConfigSchema = z.looseObject({
  enabled: boolLike,
  retryableStatusCodes: z.array(numberLike),
  retryableErrors: z.array(z.string()),
});
export const cooldownConfigSchema = z.looseObject({ initialMinutes: numberLike, maxMinutes: numberLike });
export const timeoutConfigSchema = z.looseObject({ defaultSeconds: numberLike });
/** `null` turns a limit off. */
export const stallConfigSchema = z.looseObject({
  ttfbSeconds: numberLike.nullable(),
  ttfbBytes: numberLike.nullable(),
  minBytesPerSecond: numberLike.nullable(),
  windowSeconds: numberLike,
  gracePeriodSeconds: numberLike,
  stallCooldown: boolLike,
});
export const explorationRateSchema = z.looseObject({
  performanceExplorationRate: numberLike,
  latencyExplorationRate: numberLike,
  e2ePerformanceExplorationRate: numberLike,
});
export const backgroundExplorationSchema = z.looseObject({
  enabled: boolLike,
  stalenessThresholdSeconds: numberLike,
  workerConcurrency: numberLike,
});
export const enabledFlagSchema = z.looseObject({ enabled: boolLike });
export const trustedProxiesSchema = z.looseObject({ trustedProxies: z.array(z.string()) });
/** `GET system-settings`, `config/vision-fallthrough`, `config/compaction`: free-form objects (`{}` until something is set). */
export const looseRecordSchema = z.record(z.string(), z.unknown());

/** Objects keyed by name in the config documents (an array in some versions). */
const namedCollection = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).nullish();

/** What `GET config` and `GET config/export` both hold (`providers` is always there, `{}` when none). */
const configParts = {
  providers: z.record(z.string(), z.unknown()),
  models: namedCollection,
  keys: namedCollection,
  user_quotas: namedCollection,
  mcp_servers: namedCollection,
};

/** `GET config`: the running configuration. */
export const configDocumentSchema = z.looseObject({
  ...configParts,
  default_quotas: strList,
  quotas: namedCollection,
  mcpServers: namedCollection,
});
export type ConfigDocument = z.output<typeof configDocumentSchema>;

/** `GET config/export`: the configuration file, secrets in clear. */
export const configExportSchema = z.looseObject({ ...configParts, settings: namedCollection });
export type ConfigExport = z.output<typeof configExportSchema>;

export const loggingLevelSchema = z.looseObject({
  level: z.string(),
  startupLevel: str,
  supportedLevels: strList,
  ephemeral: bool,
});
export type LoggingLevel = z.output<typeof loggingLevelSchema>;

export const loggingModulesSchema = z.looseObject({ modules: requiredListOf(z.string()) });

/** `GET backup` (JSON envelope; `?full=true` is a gzip archive, read with `requestRaw`). */
export const backupEnvelopeSchema = z.looseObject({
  plexus_backup: z.literal(true),
  version: num,
  created_at: str,
  dialect: str,
  data: z.record(z.string(), z.unknown()),
});
export type BackupEnvelope = z.output<typeof backupEnvelopeSchema>;
