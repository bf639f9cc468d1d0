import type { AliasConfig, KeyConfig, McpServerConfig, Obj, ProviderConfig } from './types.js';

const PROVIDER_DEFAULTS = {
  enabled: true,
  disable_cooldown: false,
  stall_cooldown: false,
  allow_100_percent_utilization: false,
  estimateTokens: false,
  useClaudeMasking: false,
  gemini_thinking_enabled: false,
  auto_compat: false,
};

/** Fills schema defaults and puts fields in the order Plexus returns them. */
export function normalizeProvider(input: Obj): ProviderConfig {
  const out: Obj = { api_base_url: input.api_base_url };
  if (input.display_name !== undefined) out.display_name = input.display_name;
  if (input.api_key !== undefined) out.api_key = input.api_key;
  for (const [k, def] of Object.entries(PROVIDER_DEFAULTS)) out[k] = input[k] ?? def;
  if (input.models !== undefined) out.models = input.models;
  if (input.quota_checker !== undefined) {
    const qc = input.quota_checker as Obj;
    out.quota_checker = { type: qc.type, enabled: qc.enabled ?? true, intervalMinutes: qc.intervalMinutes ?? 60, ...qc };
  }
  const known = new Set([
    'api_base_url',
    'display_name',
    'api_key',
    'models',
    'quota_checker',
    'model_autosync',
    ...Object.keys(PROVIDER_DEFAULTS),
  ]);
  for (const [k, v] of Object.entries(input)) if (!known.has(k) && v !== undefined) out[k] = v;
  out.model_autosync = { enabled: false, intervalMinutes: 60, ...(input.model_autosync as Obj | undefined) };
  return out as ProviderConfig;
}

/** Model names a provider serves, whichever form `models` takes. */
export function providerModels(p: ProviderConfig): string[] {
  if (Array.isArray(p.models)) return p.models;
  return p.models ? Object.keys(p.models) : [];
}

export function modelPricing(p: ProviderConfig | undefined, model: string): { input: number; output: number } | undefined {
  if (!p?.models || Array.isArray(p.models)) return undefined;
  return p.models[model]?.pricing;
}

export function normalizeAlias(input: Obj): AliasConfig {
  const { target_groups, priority, use_image_fallthrough, enforce_limits, sticky_session, ...rest } = input;
  const groups = (target_groups as AliasConfig['target_groups']).map((g) => ({
    ...g,
    targets: g.targets.map((t) => (t.alias !== undefined ? { ...t } : { ...t, enabled: t.enabled ?? true })),
  }));
  return {
    target_groups: groups,
    priority: (priority as string | undefined) ?? 'selector',
    use_image_fallthrough: (use_image_fallthrough as boolean | undefined) ?? false,
    enforce_limits: (enforce_limits as boolean | undefined) ?? false,
    sticky_session: (sticky_session as boolean | undefined) ?? true,
    ...rest,
  };
}

const KEY_FIELDS = [
  'comment',
  'quotas',
  'allowedModels',
  'allowedProviders',
  'excludedModels',
  'excludedProviders',
  'expiresAt',
  'disabledAt',
  'allowRawPassthrough',
  'allowedIps',
] as const;

/** A key as `GET keys` (map entry) or, with a name, `GET keys/{name}` returns it. */
export function keyView(k: KeyConfig, name?: string): Obj {
  const out: Obj = name === undefined ? {} : { name };
  out.secret = k.secret;
  for (const f of KEY_FIELDS) if (k[f] !== undefined) out[f] = k[f];
  return out;
}

export function keysMap(keys: Record<string, KeyConfig>): Obj {
  return Object.fromEntries(Object.entries(keys).map(([n, k]) => [n, keyView(k)]));
}

export function normalizeMcpServer(input: Obj): McpServerConfig {
  const { enabled, auth_scheme, rate_limit_cooldown_ms, quota_cooldown_ms, ...rest } = input;
  const out: Obj = {};
  if (rest.upstream_url !== undefined) out.upstream_url = rest.upstream_url;
  out.enabled = enabled ?? true;
  out.auth_scheme = auth_scheme ?? null;
  out.rate_limit_cooldown_ms = rate_limit_cooldown_ms ?? 60000;
  out.quota_cooldown_ms = quota_cooldown_ms ?? 86400000;
  for (const [k, v] of Object.entries(rest)) if (k !== 'upstream_url' && v !== undefined) out[k] = v;
  return out as McpServerConfig;
}
