import { checkerIdFor, syncCheckers } from './checkers.js';
import { readSection, SECTIONS } from './config-sections.js';
import type { DemoState } from './state.js';
import type { AliasConfig, KeyConfig, McpServerConfig, Obj, ProviderConfig, UserQuotaDef } from './types.js';
import { keysMap, normalizeAlias, normalizeMcpServer, normalizeProvider } from './views.js';
import { isRecord } from '../base/is-record.js';

/** `GET config`: the in-memory PlexusConfig view. */
export function configView(state: DemoState): Obj {
  const s = state.settings;
  const section = (name: string) => readSection(s, SECTIONS[name] as (typeof SECTIONS)[string]);
  const quotas = Object.entries(state.providers).flatMap(([slug, p]) => {
    const id = checkerIdFor(slug, p);
    const qc = p.quota_checker;
    if (!id || !qc) return [];
    return [
      {
        id,
        provider: slug,
        type: qc.type,
        enabled: qc.enabled,
        intervalMinutes: qc.intervalMinutes,
        options: { apiKey: p.api_key, ...qc.options, allow100PercentUtilization: p.allow_100_percent_utilization ?? false },
      },
    ];
  });
  return {
    default_quotas: s.default_quotas ?? null,
    providers: state.providers,
    models: state.aliases,
    keys: keysMap(state.keys),
    failover: section('failover'),
    cooldown: section('cooldown'),
    timeout: section('timeout'),
    stall: section('stall'),
    backgroundExploration: section('background-exploration'),
    mcpOAuth: { enabled: false, provider: 'plexus-idp' },
    quotas,
    mcpServers: state.mcpServers,
    mcp_servers: state.mcpServers,
    user_quotas: state.userQuotas,
  };
}

/** The stored configuration, as both `config/export` and backups carry it (key order as the server sends it). */
function storedConfig(state: DemoState): Obj {
  return {
    providers: state.providers,
    models: state.aliases,
    keys: keysMap(state.keys),
    user_quotas: state.userQuotas,
    mcp_servers: state.mcpServers,
    mcp_keys: [],
    settings: state.settings,
  };
}

export function configExport(state: DemoState): Obj {
  return { ...storedConfig(state), oauth_providers: [] };
}

/** `GET backup` envelope (config only). */
export function backupEnvelope(state: DemoState): Obj {
  return {
    plexus_backup: true,
    version: 1,
    created_at: new Date(state.now()).toISOString(),
    dialect: 'sqlite',
    data: { ...storedConfig(state), oauth_credentials: [] },
  };
}

const asMap = (v: unknown): Obj => (isRecord(v) ? v : {});

/** Replaces the configuration from a backup envelope's `data`. Returns the per-table counts. */
export function restoreConfig(state: DemoState, data: Obj): Record<string, number> {
  const providers: Record<string, ProviderConfig> = {};
  for (const [slug, p] of Object.entries(asMap(data.providers))) if (isRecord(p)) providers[slug] = normalizeProvider(p);
  const aliases: Record<string, AliasConfig> = {};
  for (const [slug, a] of Object.entries(asMap(data.models))) {
    if (isRecord(a) && Array.isArray(a.target_groups)) aliases[slug] = normalizeAlias(a);
  }
  const keys: Record<string, KeyConfig> = {};
  for (const [name, k] of Object.entries(asMap(data.keys))) {
    if (isRecord(k) && typeof k.secret === 'string')
      keys[name] = { ...(k as unknown as KeyConfig), allowRawPassthrough: k.allowRawPassthrough === true };
  }
  const mcp: Record<string, McpServerConfig> = {};
  for (const [name, m] of Object.entries(asMap(data.mcp_servers))) if (isRecord(m)) mcp[name] = normalizeMcpServer(m);

  state.providers = providers;
  state.aliases = aliases;
  state.keys = keys;
  state.userQuotas = structuredClone(asMap(data.user_quotas)) as Record<string, UserQuotaDef>;
  state.mcpServers = mcp;
  state.settings = structuredClone(asMap(data.settings));
  state.metricsCache = undefined;
  syncCheckers(state);
  return {
    _cleared: 1,
    providers: Object.keys(providers).length,
    model_aliases: Object.keys(aliases).length,
    api_keys: Object.keys(keys).length,
    user_quotas: Object.keys(state.userQuotas).length,
    mcp_servers: Object.keys(mcp).length,
    mcp_keys: 0,
    system_settings: Object.keys(state.settings).length,
    oauth_credentials: 0,
  };
}
