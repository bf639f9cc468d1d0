import { Rng } from './rng.js';
import { seedCheckers, seedMcpLogs, seedSystemLogs } from './seed-activity.js';
import { generateTraffic, GROQ_COOLDOWN_ERROR } from './seed-traffic.js';
import type { AliasConfig, DemoSeed, KeyConfig, McpServerConfig, ProviderConfig, UserQuotaDef } from './types.js';
import { normalizeAlias, normalizeMcpServer, normalizeProvider } from './views.js';

function providers(rng: Rng): Record<string, ProviderConfig> {
  const simple = (input: number, output: number) => ({ pricing: { source: 'simple' as const, input, output } });
  return {
    openai: normalizeProvider({
      api_base_url: 'https://api.openai.com/v1',
      display_name: 'OpenAI',
      api_key: `sk-proj-${rng.alnum(48)}`,
      models: { 'gpt-4o': simple(2.5, 10), 'gpt-4o-mini': simple(0.15, 0.6), 'o3-mini': simple(1.1, 4.4) },
    }),
    anthropic: normalizeProvider({
      api_base_url: { messages: 'https://api.anthropic.com/v1' },
      display_name: 'Anthropic',
      api_key: `sk-ant-api03-${rng.alnum(40)}`,
      useClaudeMasking: true,
      models: { 'claude-sonnet-4-5': simple(3, 15), 'claude-haiku-4-5': simple(1, 5) },
      quota_checker: { type: 'claude-code', enabled: true, intervalMinutes: 15, id: 'anthropic-claude-code', options: {} },
    }),
    openrouter: normalizeProvider({
      api_base_url: 'https://openrouter.ai/api/v1',
      display_name: 'OpenRouter',
      api_key: `sk-or-v1-${rng.hex(64)}`,
      models: {
        'deepseek/deepseek-chat-v3.1': simple(0.27, 1.1),
        'google/gemini-2.5-flash': simple(0.3, 2.5),
        'meta-llama/llama-3.3-70b-instruct': simple(0.13, 0.4),
      },
      quota_checker: {
        type: 'openrouter',
        enabled: true,
        intervalMinutes: 60,
        id: 'openrouter-credits',
        options: { apiKey: `sk-or-v1-${rng.hex(64)}` },
      },
    }),
    groq: normalizeProvider({
      api_base_url: 'https://api.groq.com/openai/v1',
      display_name: 'Groq',
      api_key: `gsk_${rng.alnum(52)}`,
      models: { 'llama-3.3-70b-versatile': simple(0.59, 0.79), 'llama-3.1-8b-instant': simple(0.05, 0.08) },
    }),
    'azure-eu': normalizeProvider({
      api_base_url: 'https://plexus-weu.openai.azure.com/openai/v1',
      display_name: 'Azure OpenAI (West Europe)',
      api_key: rng.hex(32),
      enabled: false,
      models: { 'gpt-4o': simple(2.5, 10) },
    }),
  };
}

function aliases(): Record<string, AliasConfig> {
  const t = (provider: string, model: string) => ({ provider, model });
  return {
    smart: normalizeAlias({
      target_groups: [{ name: 'primary', selector: 'in_order', targets: [t('anthropic', 'claude-sonnet-4-5'), t('openai', 'gpt-4o')] }],
    }),
    fast: normalizeAlias({
      target_groups: [
        {
          name: 'default',
          selector: 'latency',
          targets: [t('groq', 'llama-3.3-70b-versatile'), t('openai', 'gpt-4o-mini'), t('anthropic', 'claude-haiku-4-5')],
        },
      ],
      sticky_session: false,
    }),
    cheap: normalizeAlias({
      target_groups: [
        {
          name: 'default',
          selector: 'cost',
          targets: [
            t('openrouter', 'deepseek/deepseek-chat-v3.1'),
            t('groq', 'llama-3.1-8b-instant'),
            t('openrouter', 'meta-llama/llama-3.3-70b-instruct'),
          ],
        },
      ],
      sticky_session: false,
    }),
    'eu-gpt4o': normalizeAlias({
      target_groups: [
        { name: 'eu', selector: 'in_order', targets: [t('azure-eu', 'gpt-4o')] },
        { name: 'fallback', selector: 'in_order', targets: [t('openai', 'gpt-4o')] },
      ],
      enforce_limits: true,
    }),
  };
}

function keys(rng: Rng): Record<string, KeyConfig> {
  const secret = () => `sk-plexus-${rng.hex(32)}`;
  return {
    'web-app': {
      secret: secret(),
      comment: 'Production web frontend',
      quotas: ['tokens-rolling-hour', 'monthly-cost'],
      allowRawPassthrough: false,
    },
    'ci-pipeline': { secret: secret(), comment: 'GitHub Actions eval runs', quotas: ['requests-daily'], allowRawPassthrough: false },
    'support-bot': {
      secret: secret(),
      comment: 'Customer support assistant',
      quotas: ['tokens-rolling-hour'],
      allowedModels: ['fast', 'cheap'],
      allowRawPassthrough: false,
    },
    'analytics-batch': {
      secret: secret(),
      comment: 'Nightly analytics batch jobs',
      allowedProviders: ['openrouter', 'groq'],
      allowRawPassthrough: false,
    },
    'alice-dev': { secret: secret(), comment: 'Alice - local development', allowRawPassthrough: true, allowedIps: ['10.8.0.0/16'] },
  };
}

const USER_QUOTAS: Record<string, UserQuotaDef> = {
  'tokens-rolling-hour': { type: 'rolling', limitType: 'tokens', limit: 60000, duration: '1h' },
  'requests-daily': { type: 'daily', limitType: 'requests', limit: 120 },
  'monthly-cost': { type: 'monthly', limitType: 'cost', limit: 25, warnAt: 0.8 },
  'weekly-tokens': { type: 'weekly', limitType: 'tokens', limit: 5_000_000 },
};

function mcpServers(rng: Rng): Record<string, McpServerConfig> {
  return {
    github: normalizeMcpServer({
      upstream_url: 'https://api.githubcopilot.com/mcp/',
      headers: { Authorization: `Bearer ghp_${rng.alnum(36)}` },
    }),
    'docs-search': normalizeMcpServer({ upstream_url: 'https://mcp.context7.com/mcp' }),
    'fs-local': normalizeMcpServer({
      mode: 'local_http',
      launcher: 'bunx',
      package: '@modelcontextprotocol/server-filesystem',
      port: 7410,
      enabled: false,
    }),
  };
}

/** Realistic, deterministic demo data as of `now` (the same `now` always gives the same seed). */
export function demoSeed(now: number): DemoSeed {
  const rng = new Rng(0x5eed);
  const p = providers(rng);
  const a = aliases();
  const k = keys(rng);
  const m = mcpServers(rng);
  const traffic = generateTraffic(new Rng(0x7aff1c), { providers: p, aliases: a, keys: k }, now);
  const q = seedCheckers(now);
  // A time-bound key (added after the traffic so the seeded figures stay as they were).
  k['contractor-temp'] = {
    secret: `sk-plexus-${new Rng(0xc0ffee).hex(32)}`,
    comment: 'Contractor access, expires in 14 days',
    allowRawPassthrough: false,
    expiresAt: now + 14 * 86_400_000,
  };
  return {
    providers: p,
    aliases: a,
    keys: k,
    userQuotas: structuredClone(USER_QUOTAS),
    mcpServers: m,
    settings: {
      default_quotas: null,
      'timeout.defaultSeconds': 120,
      'failover.retryableErrors': ['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'ConnectionRefused'],
    },
    usage: traffic.usage,
    errors: traffic.errors,
    debugLogs: traffic.debugLogs,
    mcpLogs: seedMcpLogs(rng, now, m),
    cooldowns: [
      {
        provider: 'groq',
        model: 'llama-3.3-70b-versatile',
        expiry: now + 17 * 60_000,
        consecutiveFailures: 4,
        lastError: GROQ_COOLDOWN_ERROR,
      },
    ],
    quotaSnapshots: q.snapshots,
    quotaHistory: q.history,
    systemLogs: seedSystemLogs(now),
  };
}

/**
 * Every secret in a seed or a live gateway state (key secrets, provider API
 * keys, checker and MCP credentials).
 */
export function demoSecrets(seed: Pick<DemoSeed, 'keys' | 'providers' | 'mcpServers'>): string[] {
  const out = new Set<string>();
  for (const k of Object.values(seed.keys)) out.add(k.secret);
  for (const p of Object.values(seed.providers)) {
    if (typeof p.api_key === 'string') out.add(p.api_key);
    const apiKey = p.quota_checker?.options?.apiKey;
    if (typeof apiKey === 'string') out.add(apiKey);
  }
  for (const s of Object.values(seed.mcpServers)) {
    const headers = s.headers as Record<string, string> | undefined;
    for (const v of Object.values(headers ?? {})) out.add(v.replace(/^Bearer\s+/i, ''));
  }
  return [...out].filter((s) => s.length >= 16);
}
