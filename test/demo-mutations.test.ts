/** Writes to the demo gateway change what later reads return, with upstream's quirks. */
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDemoGateway } from '../src/demo/gateway.js';
import { demoSeed } from '../src/demo/seed.js';
import type { DemoSeed } from '../src/demo/types.js';

type Json = Record<string, unknown>;
const ADMIN = 'mutations-admin-key';
const START = Date.parse('2026-11-26T15:20:10.000Z');
let seed: DemoSeed;
let clock = START;
let gw: Awaited<ReturnType<typeof startDemoGateway>>;

async function call(method: string, p: string, opts: { body?: unknown; key?: string; raw?: Buffer; type?: string } = {}) {
  const headers: Record<string, string> = { 'x-admin-key': opts.key ?? ADMIN };
  if (opts.body !== undefined || opts.raw) headers['content-type'] = opts.type ?? 'application/json';
  const res = await fetch(gw.url + p, {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const buf = Buffer.from(await res.arrayBuffer());
  let body: unknown;
  try {
    body = JSON.parse(buf.toString('utf8'));
  } catch {
    body = buf;
  }
  return { status: res.status, body: body as Json, buf };
}

const get = async (p: string, key?: string) => (await call('GET', p, { key })).body;

beforeAll(() => {
  seed = demoSeed(START);
});

beforeEach(async () => {
  clock = START;
  gw = await startDemoGateway({ adminKey: ADMIN, seed, now: () => clock });
});

afterEach(() => gw.close());

describe('providers and aliases', () => {
  it('PATCH provider enabled=false shows in later reads', async () => {
    expect(await call('PATCH', '/v0/management/providers/openai', { body: { enabled: false } })).toMatchObject({
      status: 200,
      body: { success: true, slug: 'openai' },
    });
    expect((await get('/v0/management/providers/openai')).enabled).toBe(false);
    expect(((await get('/v0/management/providers')).openai as Json).enabled).toBe(false);
  });

  it('PUT with defaults, slugs with a slash, and checkers run on save', async () => {
    const put = await call('PUT', '/v0/management/providers/org/team', {
      body: { api_base_url: 'https://api.together.xyz/v1', api_key: 'tg-123', quota_checker: { type: 'naga', options: {} } },
    });
    expect(put.body).toEqual({ success: true, slug: 'org/team' });
    expect(await get('/v0/management/providers/org/team')).toMatchObject({
      enabled: true,
      auto_compat: false,
      model_autosync: { enabled: false, intervalMinutes: 60 },
    });
    const checkers = (await get('/v0/management/quotas')) as unknown as Json[];
    expect(checkers.map((c) => c.checkerId)).toContain('org/team');
    expect((await call('DELETE', '/v0/management/providers/org/team')).body).toEqual({ success: true, provider: 'org/team' });
    expect((await call('GET', '/v0/management/providers/org/team')).status).toBe(404);
  });

  it('DELETE provider leaves dangling alias targets unless cascade=true', async () => {
    await call('DELETE', '/v0/management/providers/groq');
    const fast = (await get('/v0/management/aliases/fast')) as { target_groups: { targets: Json[] }[] };
    expect(fast.target_groups[0]?.targets.map((t) => t.provider)).toContain('groq');

    await call('DELETE', '/v0/management/providers/openrouter?cascade=true');
    const cheap = (await get('/v0/management/aliases/cheap')) as { target_groups: { targets: Json[] }[] };
    expect(cheap.target_groups[0]?.targets.map((t) => t.provider)).toEqual(['groq']);
    expect(((await get('/v0/management/quotas')) as unknown as Json[]).map((q) => q.checkerId)).toEqual(['anthropic-claude-code']);
  });

  it('aliases: legacy flat body, PATCH merge, delete via /models', async () => {
    await call('PUT', '/v0/management/aliases/legacy', {
      body: { selector: 'random', targets: [{ provider: 'openai', model: 'gpt-4o' }] },
    });
    await call('PATCH', '/v0/management/aliases/legacy', { body: { additional_aliases: ['nick'], sticky_session: false } });
    expect(await get('/v0/management/aliases/legacy')).toEqual({
      slug: 'legacy',
      target_groups: [{ name: 'default', selector: 'random', targets: [{ provider: 'openai', model: 'gpt-4o', enabled: true }] }],
      priority: 'selector',
      use_image_fallthrough: false,
      enforce_limits: false,
      sticky_session: false,
      selector: 'random',
      additional_aliases: ['nick'],
    });
    expect((await call('DELETE', '/v0/management/aliases/legacy')).status).toBe(404);
    expect((await call('DELETE', '/v0/management/models/legacy')).body).toEqual({ success: true });
    expect((await call('GET', '/v0/management/aliases/legacy')).status).toBe(404);
    expect((await call('DELETE', '/v0/management/models')).body).toEqual({ success: true, deletedCount: 4 });
    expect(await get('/v0/management/aliases')).toEqual({});
  });

  it('an indirect alias cycle is a 500 like upstream', async () => {
    await call('PUT', '/v0/management/aliases/a', {
      body: { target_groups: [{ name: 'g', selector: 'random', targets: [{ alias: 'b' }] }] },
    });
    await call('PUT', '/v0/management/aliases/b', {
      body: { target_groups: [{ name: 'g', selector: 'random', targets: [{ provider: 'openai', model: 'gpt-4o' }] }] },
    });
    const cyc = await call('PATCH', '/v0/management/aliases/b', {
      body: { target_groups: [{ name: 'g', selector: 'random', targets: [{ alias: 'a' }] }] },
    });
    expect(cyc).toMatchObject({ status: 500, body: { error: 'Internal server error' } });
  });
});

describe('keys and self-service', () => {
  it('PUT keys with legacy quota stores quotas:[name]; secret is required', async () => {
    expect((await call('PUT', '/v0/management/keys/new-key', { body: { secret: 'sk-new', quota: 'x' } })).body).toEqual({
      success: true,
      name: 'new-key',
    });
    expect(await get('/v0/management/keys/new-key')).toEqual({
      name: 'new-key',
      secret: 'sk-new',
      quotas: ['x'],
      allowRawPassthrough: false,
    });
    expect(((await get('/v0/management/keys'))['new-key'] as Json).quotas).toEqual(['x']);
    const bad = await call('PUT', '/v0/management/keys/other', { body: { comment: 'no secret' } });
    expect(bad).toMatchObject({ status: 400, body: { error: 'Validation failed', details: [{ code: 'invalid_type', path: ['secret'] }] } });
  });

  it('time-bound keys: expiresAt on create, no expiry change, disable', async () => {
    await call('PUT', '/v0/management/keys/temp', { body: { secret: 'sk-temp', expiresInMinutes: 60 } });
    expect((await get('/v0/management/keys/temp')).expiresAt).toBe(START + 3_600_000);
    expect((await call('PATCH', '/v0/management/keys/temp', { body: { expiresInMinutes: 5 } })).body).toEqual({
      error: 'Key expiry cannot be changed after creation',
    });
    expect((await call('POST', '/v0/management/keys/web-app/disable')).body).toEqual({ error: 'Only time-bound keys can be disabled' });
    expect((await call('POST', '/v0/management/keys/temp/disable')).body).toEqual({ success: true, name: 'temp' });
    expect((await call('GET', '/v0/management/self/me', { key: 'sk-temp' })).status).toBe(401);
  });

  it('self/rotate: admin needs ?keyName=; a limited key rotates itself and the old secret stops working', async () => {
    const old = (seed.keys['support-bot'] as { secret: string }).secret;
    expect((await call('POST', '/v0/management/self/rotate')).body).toEqual({
      error: 'Admin must supply ?keyName= for self-service endpoints',
    });
    const rotated = await call('POST', '/v0/management/self/rotate', { key: old });
    expect(rotated.body).toMatchObject({ keyName: 'support-bot', message: 'Secret rotated. Store it now — it will not be shown again.' });
    const fresh = rotated.body.secret as string;
    expect(fresh).toMatch(/^sk-[0-9a-f]{48}$/);
    expect((await call('GET', '/v0/management/self/me', { key: old })).status).toBe(401);
    expect((await call('GET', '/v0/management/self/me', { key: fresh })).body).toMatchObject({ role: 'limited', keyName: 'support-bot' });
    expect((await get('/v0/management/keys/support-bot')).secret).toBe(fresh);
  });

  it('self/debug/toggle and PATCH debug change the debug view', async () => {
    const key = (seed.keys['alice-dev'] as { secret: string }).secret;
    expect((await call('POST', '/v0/management/self/debug/toggle', { key, body: { enabled: true } })).body).toEqual({
      keyName: 'alice-dev',
      enabled: true,
      enabledGlobal: false,
    });
    expect((await get('/v0/management/self/me', key)).traceEnabled).toBe(true);
    const patched = await call('PATCH', '/v0/management/debug', { body: { enabled: true, keys: ['web-app'], providers: ['openai'] } });
    expect(patched.body).toEqual({
      enabled: true,
      enabledGlobal: true,
      enabledKeys: ['web-app'],
      providers: ['openai'],
      keys: ['web-app'],
      aliases: [],
    });
  });
});

describe('quotas', () => {
  it('quota/clear resets usage; recompute of a daily quota restores it; rolling cannot be recomputed', async () => {
    const before = (await get('/v0/management/quota/status/ci-pipeline')).current_usage as number;
    expect(before).toBeGreaterThan(0);
    const cleared = await call('POST', '/v0/management/quota/clear', { body: { key: 'ci-pipeline', quota: 'requests-daily' } });
    expect(cleared.body).toEqual({
      success: true,
      key: 'ci-pipeline',
      quota: 'requests-daily',
      message: "Quota 'requests-daily' reset successfully",
    });
    expect((await get('/v0/management/quota/status/ci-pipeline')).current_usage).toBe(0);
    const re = await call('POST', '/v0/management/quota/recompute', { body: { key: 'ci-pipeline', quota: 'requests-daily' } });
    expect(re.body).toMatchObject({ success: true, usage: before, windowStartMs: Date.parse('2026-11-26T00:00:00Z') });
    expect((await get('/v0/management/quota/status/ci-pipeline')).current_usage).toBe(before);
    const rolling = await call('POST', '/v0/management/quota/recompute', { body: { key: 'web-app', quota: 'tokens-rolling-hour' } });
    expect(rolling).toMatchObject({ status: 400, body: { reason: 'unsupported_quota_type' } });
    const notAttached = await call('POST', '/v0/management/quota/clear', { body: { key: 'web-app', quota: 'requests-daily' } });
    expect(notAttached.body).toEqual({
      error: { message: "Quota 'requests-daily' is not attached to key 'web-app'", type: 'invalid_request_error' },
    });
  });

  it('an exhausted quota reports allowed:false and remaining 0', async () => {
    await call('PUT', '/v0/management/user-quotas/tiny', { body: { type: 'daily', limitType: 'requests', limit: 1 } });
    await call('PATCH', '/v0/management/keys/ci-pipeline', { body: { quotas: ['tiny'] } });
    expect(await get('/v0/management/quota/status/ci-pipeline')).toMatchObject({
      quota_name: 'tiny',
      allowed: false,
      remaining: 0,
      limit: 1,
    });
  });

  it('user quotas: PATCH merges, DELETE works once unused; default_quotas apply to keys without quotas', async () => {
    const patched = await call('PATCH', '/v0/management/user-quotas/weekly-tokens', { body: { limit: 10, shared: true } });
    expect(patched.body).toEqual({
      success: true,
      name: 'weekly-tokens',
      quota: { type: 'weekly', limitType: 'tokens', limit: 10, shared: true },
    });
    expect((await call('PATCH', '/v0/management/system-settings', { body: { default_quotas: ['weekly-tokens'] } })).body).toEqual({
      success: true,
    });
    const alice = await get('/v0/management/quota/status/alice-dev');
    expect(alice).toMatchObject({ quota_name: 'weekly-tokens', allowed: false });
    expect((alice.quotas as Json[])[0]).toMatchObject({ source: 'default', shared: true });
    expect((await call('DELETE', '/v0/management/user-quotas/weekly-tokens')).status).toBe(409);
    await call('PATCH', '/v0/management/system-settings', { body: { default_quotas: null } });
    expect((await call('DELETE', '/v0/management/user-quotas/weekly-tokens')).body).toEqual({
      success: true,
      name: 'weekly-tokens',
      message: "Quota 'weekly-tokens' deleted successfully",
    });
    expect((await get('/v0/management/system-settings')).default_quotas).toBeNull();
  });
});

describe('logs, config and backups', () => {
  it('deleting usage: one id, older than N days, and logs/reset', async () => {
    const total = seed.usage.length;
    const id = seed.usage[seed.usage.length - 1]?.requestId as string;
    await call('DELETE', `/v0/management/usage/${id}`);
    expect((await get('/v0/management/usage?limit=1')).total).toBe(total - 1);
    await call('DELETE', '/v0/management/usage?olderThanDays=7');
    const left = (await get('/v0/management/usage?limit=1')).total as number;
    expect(left).toBe(seed.usage.filter((u) => u.startTime >= START - 7 * 86_400_000 && u.requestId !== id).length);
    expect((await call('DELETE', '/v0/management/logs/reset')).body).toEqual({
      success: true,
      message: 'All logs have been reset successfully',
    });
    expect(await get('/v0/management/usage?limit=1')).toEqual({ data: [], total: 0, limit: 1, offset: 0 });
    expect((await get('/v0/management/errors')).total).toBe(0);
  });

  it('usage summary picks up time passing: the current minute shows once it is over', async () => {
    const count = async () => ((await get('/v0/management/usage/summary?range=hour')).stats as Json).totalRequests as number;
    const visible = (t: number) => {
      const m = Math.floor(t / 60_000) * 60_000;
      return seed.usage.filter((u) => u.startTime >= m - 3_600_000 && u.startTime <= m).length;
    };
    const lastMinute = seed.usage.filter((u) => u.startTime > Math.floor(START / 60_000) * 60_000);
    expect(lastMinute.length).toBeGreaterThan(0);
    expect(await count()).toBe(visible(START));
    clock = START + 60_000;
    expect(await count()).toBe(visible(clock));
    expect(visible(clock)).toBe(seed.usage.filter((u) => u.startTime >= Math.floor(clock / 60_000) * 60_000 - 3_600_000).length);
  });

  it('config sections validate, persist into system settings, and reject non-objects', async () => {
    expect((await call('PATCH', '/v0/management/config/cooldown', { body: { initialMinutes: 0.01 } })).body).toEqual({
      error: 'initialMinutes must be at least 0.1',
    });
    expect((await call('PATCH', '/v0/management/config/cooldown', { body: { initialMinutes: 5 } })).body).toEqual({
      initialMinutes: 5,
      maxMinutes: 300,
    });
    expect(await get('/v0/management/config/cooldown')).toEqual({ initialMinutes: 5, maxMinutes: 300 });
    expect((await get('/v0/management/system-settings'))['cooldown.initialMinutes']).toBe(5);
    expect((await call('PATCH', '/v0/management/config/failover', { body: [] })).body).toEqual({ error: 'Object body is required' });
  });

  it('MCP servers can be created, patched and deleted', async () => {
    await call('PUT', '/v0/management/mcp-servers/notes', { body: { upstream_url: 'https://mcp.example.com/notes', enabled: false } });
    await call('PATCH', '/v0/management/mcp-servers/notes', { body: { enabled: true } });
    expect(await get('/v0/management/mcp-servers/notes')).toEqual({
      name: 'notes',
      upstream_url: 'https://mcp.example.com/notes',
      enabled: true,
      auth_scheme: null,
      rate_limit_cooldown_ms: 60000,
      quota_cooldown_ms: 86400000,
    });
    await call('DELETE', '/v0/management/mcp-servers/notes');
    expect((await call('GET', '/v0/management/mcp-servers/notes')).status).toBe(404);
  });

  it('cooldowns can be cleared per provider/model', async () => {
    await call('DELETE', '/v0/management/cooldowns/groq?model=other-model');
    expect(((await get('/v0/management/cooldowns')) as unknown as Json[]).length).toBe(1);
    await call('DELETE', '/v0/management/cooldowns/groq?model=llama-3.3-70b-versatile');
    expect(await get('/v0/management/cooldowns')).toEqual([]);
  });

  it('restore replaces the configuration from a backup envelope', async () => {
    const backup = await get('/v0/management/backup');
    await call('DELETE', '/v0/management/keys/web-app');
    await call('DELETE', '/v0/management/models');
    const restored = await call('POST', '/v0/management/restore', { body: backup });
    expect(restored.body).toEqual({
      success: true,
      restored: {
        _cleared: 1,
        providers: 5,
        model_aliases: 4,
        api_keys: 6,
        user_quotas: 4,
        mcp_servers: 3,
        mcp_keys: 0,
        system_settings: 3,
        oauth_credentials: 0,
      },
      message: 'Config restore complete. Server is restarting to apply changes.',
    });
    expect(Object.keys(await get('/v0/management/keys'))).toContain('web-app');
    expect(Object.keys(await get('/v0/management/aliases'))).toHaveLength(4);
    expect((await call('POST', '/v0/management/restore', { body: { hello: 'world' } })).body).toEqual({
      error: 'Invalid backup: missing plexus_backup field',
    });
  });

  it('a full backup archive restores config and logs', async () => {
    const archive = (await call('GET', '/v0/management/backup?full=true')).buf;
    await call('DELETE', '/v0/management/logs/reset');
    await call('DELETE', '/v0/management/providers/openai');
    const res = await call('POST', '/v0/management/restore', { raw: archive, type: 'application/gzip' });
    expect(res.body).toMatchObject({
      success: true,
      restored: { providers: 5, request_usage: seed.usage.length, inference_errors: seed.errors.length },
    });
    const usage = await get('/v0/management/usage?limit=1');
    expect(usage.total).toBe(seed.usage.length);
    expect((usage.data as Json[])[0]).toEqual(seed.usage[seed.usage.length - 1]);
    expect((await call('POST', '/v0/management/restore', { raw: gzipSync('not a tar'), type: 'application/gzip' })).status).toBe(400);
  });

  it('restart answers but keeps serving', async () => {
    expect((await call('POST', '/v0/management/restart')).body).toEqual({ success: true, message: 'Server is restarting' });
    expect((await call('GET', '/v0/management/config/status')).status).toBe(200);
  });
});
