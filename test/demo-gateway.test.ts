/**
 * The demo gateway over real HTTP with the realistic seed: shapes match the
 * recorded Plexus samples, auth and scoping, quirks, streams and backups.
 */
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDemoGateway } from '../src/demo/gateway.js';
import { demoSecrets, demoSeed } from '../src/demo/seed.js';
import type { DemoSeed } from '../src/demo/types.js';
import { sampleBody } from './support/samples.js';

type Json = Record<string, unknown>;

/**
 * Structural differences: same keys (in any order) and value types; null matches anything.
 * `maps`: name-keyed maps compared by their first value; `opaque`: only checked for presence.
 */
function shapeDiff(actual: unknown, sample: unknown, opts: { maps?: string[]; opaque?: string[] } = {}, at = '$'): string[] {
  if (actual === null || sample === null || actual === undefined || sample === undefined) return [];
  if (Array.isArray(sample)) {
    if (!Array.isArray(actual)) return [`${at}: expected an array`];
    return sample.length && actual.length ? shapeDiff(actual[0], sample[0], opts, `${at}[0]`) : [];
  }
  if (typeof sample === 'object') {
    if (typeof actual !== 'object' || Array.isArray(actual)) return [`${at}: expected an object`];
    const a = actual as Json;
    const s = sample as Json;
    const out = [
      ...Object.keys(s)
        .filter((k) => !(k in a))
        .map((k) => `${at}.${k}: missing`),
      ...Object.keys(a)
        .filter((k) => !(k in s))
        .map((k) => `${at}.${k}: unexpected`),
    ];
    for (const k of Object.keys(s).filter((k) => k in a)) {
      if (opts.opaque?.includes(k)) continue;
      if (opts.maps?.includes(k) && a[k] && s[k] && typeof s[k] === 'object' && !Array.isArray(s[k])) {
        out.push(...shapeDiff(Object.values(a[k] as Json)[0], Object.values(s[k] as Json)[0], opts, `${at}.${k}.*`));
      } else out.push(...shapeDiff(a[k], s[k], opts, `${at}.${k}`));
    }
    return out;
  }
  return typeof actual === typeof sample ? [] : [`${at}: ${typeof actual} instead of ${typeof sample}`];
}

const NOW = Date.parse('2026-11-26T18:40:30.500Z');
const ADMIN = 'demo-admin-key-for-tests';
let seed: DemoSeed;
let gw: Awaited<ReturnType<typeof startDemoGateway>>;
let limitedSecret: string;

async function call(method: string, p: string, opts: { body?: unknown; key?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key !== null) headers['x-admin-key'] = opts.key ?? ADMIN;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(gw.url + p, {
    method,
    headers,
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (metrics, archives)
  }
  return { status: res.status, body: body as Json & Json[], text, headers: res.headers };
}

beforeAll(() => {
  seed = demoSeed(NOW);
  limitedSecret = (seed.keys['ci-pipeline'] as { secret: string }).secret;
});

// A gateway per test, so no test sees another's writes or warmed caches.
beforeEach(async () => {
  gw = await startDemoGateway({ adminKey: ADMIN, seed, now: () => NOW, logIntervalMs: 20 });
});

afterEach(() => gw.close());

describe('authentication and error formats', () => {
  it('answers 401 auth_error for a wrong, missing or Bearer-style key', async () => {
    const expected = sampleBody('auth-verify-wrong-key');
    expect(await call('GET', '/v0/management/auth/verify', { key: 'nope' })).toMatchObject({ status: 401, body: expected });
    expect(await call('GET', '/v0/management/providers', { key: null })).toMatchObject({ status: 401, body: expected });
    const bearer = await call('GET', '/v0/management/providers', { key: null, headers: { authorization: `Bearer ${ADMIN}` } });
    expect(bearer).toMatchObject({ status: 401, body: expected });
  });

  it('treats an inference key secret as a limited principal', async () => {
    const verify = await call('GET', '/v0/management/auth/verify', { key: limitedSecret });
    expect(verify.status).toBe(200);
    expect(shapeDiff(verify.body, sampleBody('auth-verify-limited-key'))).toEqual([]);
    expect(verify.body).toMatchObject({
      ok: true,
      role: 'limited',
      keyName: 'ci-pipeline',
      quotaNames: ['requests-daily'],
      quotaName: 'requests-daily',
    });
    const me = await call('GET', '/v0/management/self/me', { key: limitedSecret });
    expect(shapeDiff(me.body, sampleBody('self-me-limited'))).toEqual([]);
  });

  it('answers 403 forbidden to a limited key on admin routes', async () => {
    const forbidden = sampleBody('providers-as-limited-key-403');
    for (const [m, p] of [
      ['GET', '/v0/management/providers'],
      ['DELETE', '/v0/management/cooldowns'],
      ['DELETE', '/v0/management/usage?olderThanDays=30'],
      ['PATCH', '/v0/management/debug'],
      ['GET', '/v0/system/logs/recent'],
    ] as const) {
      expect(await call(m, p, { key: limitedSecret, body: m === 'PATCH' ? { enabled: false } : undefined })).toMatchObject({
        status: 403,
        body: forbidden,
      });
    }
  });

  it('404s unknown routes and the routes upstream does not have', async () => {
    for (const [m, p] of [
      ['GET', '/v0/management/does-not-exist'],
      ['DELETE', '/v0/management/aliases/smart'],
      ['GET', `/v0/management/errors/${seed.errors[0]?.requestId}`],
      ['PUT', '/v0/management/config'],
      ['GET', '/v1/models'],
    ] as const) {
      expect(await call(m, p)).toMatchObject({ status: 404, body: { error: 'Not Found' } });
    }
  });

  it('rejects malformed JSON with a 400', async () => {
    const res = await call('PUT', '/v0/management/keys/x', { body: '{"secret": ' });
    expect(res.status).toBe(400);
    expect(typeof res.body.error).toBe('string');
  });

  it('answers /health without a key', async () => {
    expect(await call('GET', '/health', { key: null })).toMatchObject({ status: 200, text: 'OK' });
  });
});

describe('collections have the recorded shapes', () => {
  it('providers are a map of configs with a quota checker on openrouter', async () => {
    const { status, body } = await call('GET', '/v0/management/providers');
    expect(status).toBe(200);
    expect(Array.isArray(body)).toBe(false);
    expect(Object.keys(body)).toEqual(['openai', 'anthropic', 'openrouter', 'groq', 'azure-eu']);
    const sample = sampleBody('providers-get-openai-dead');
    expect(shapeDiff(body.openrouter, sample, { maps: ['models', 'options'] })).toEqual([]);
    expect((body['azure-eu'] as Json).enabled).toBe(false);
    const one = await call('GET', '/v0/management/providers/groq');
    expect(one.body).toEqual(body.groq);
    expect(await call('GET', '/v0/management/providers/nope')).toMatchObject({ status: 404, body: { error: "Provider 'nope' not found" } });
  });

  it('aliases, keys, user quotas and MCP servers are maps keyed by name', async () => {
    const aliases = (await call('GET', '/v0/management/aliases')).body;
    expect(Object.keys(aliases)).toEqual(['smart', 'fast', 'cheap', 'eu-gpt4o']);
    expect(shapeDiff(aliases.smart, (sampleBody('aliases-list') as Json)['smart-model'])).toEqual([]);
    expect((await call('GET', '/v0/management/aliases/fast')).body).toMatchObject({ slug: 'fast', priority: 'selector' });

    const keys = (await call('GET', '/v0/management/keys')).body;
    expect(Object.keys(keys)).toEqual(['web-app', 'ci-pipeline', 'support-bot', 'analytics-batch', 'alice-dev', 'contractor-temp']);
    expect(shapeDiff(keys['web-app'], (sampleBody('keys-list') as Json)['bot-quota'])).toEqual([]);
    expect((await call('GET', '/v0/management/keys/ci-pipeline')).body).toEqual({
      name: 'ci-pipeline',
      secret: limitedSecret,
      comment: 'GitHub Actions eval runs',
      quotas: ['requests-daily'],
      allowRawPassthrough: false,
    });

    const uq = (await call('GET', '/v0/management/user-quotas')).body;
    expect(Object.keys(uq)).toEqual(['tokens-rolling-hour', 'requests-daily', 'monthly-cost', 'weekly-tokens']);
    expect(uq['tokens-rolling-hour']).toEqual({ type: 'rolling', limitType: 'tokens', limit: 60000, duration: '1h' });

    const mcp = (await call('GET', '/v0/management/mcp-servers')).body;
    expect(shapeDiff(mcp['docs-search'], (sampleBody('mcp-servers-list') as Json)['test-mcp'])).toEqual([]);
  });

  it('usage is paginated {data,total,limit,offset}, newest first, with all 48 fields in wire order', async () => {
    const { body } = await call('GET', '/v0/management/usage');
    expect(Object.keys(body)).toEqual(['data', 'total', 'limit', 'offset']);
    expect(body).toMatchObject({ total: seed.usage.length, limit: 50, offset: 0 });
    const rows = body.data as Json[];
    expect(rows).toHaveLength(50);
    const sampleRow = ((sampleBody('usage-default') as Json).data as Json[])[0] as Json;
    expect(Object.keys(rows[0] as Json)).toEqual(Object.keys(sampleRow));
    expect(rows.map((r) => r.startTime as number)).toEqual([...rows.map((r) => r.startTime as number)].sort((a, b) => b - a));
    expect(seed.usage.length).toBeGreaterThan(2000);
  });

  it('usage honours fields, filters, sorting and limited-key scoping', async () => {
    const fields = await call('GET', '/v0/management/usage?fields=requestId,apiKey,costTotal,bogusField&limit=3');
    expect((fields.body.data as Json[]).map((r) => Object.keys(r))).toEqual(Array(3).fill(['requestId', 'apiKey', 'costTotal']));

    const errors = await call('GET', '/v0/management/usage?responseStatus=error&limit=500');
    const errRows = errors.body.data as Json[];
    expect(errRows.length).toBeGreaterThan(0);
    expect(errRows.every((r) => r.responseStatus === 'error' && r.tokensInput === null && r.costTotal === null)).toBe(true);
    const share = (errors.body.total as number) / seed.usage.length;
    expect(share).toBeGreaterThan(0.015);
    expect(share).toBeLessThan(0.06);

    const like = await call('GET', '/v0/management/usage?apiKey=pipe&limit=5');
    expect((like.body.data as Json[]).every((r) => r.apiKey === 'ci-pipeline')).toBe(true);

    const sorted = await call('GET', '/v0/management/usage?sortBy=costTotal&sortDir=desc&limit=5');
    const costs = (sorted.body.data as Json[]).map((r) => r.costTotal as number);
    expect(costs).toEqual([...costs].sort((a, b) => b - a));

    const scoped = await call('GET', '/v0/management/usage?apiKey=web-app&limit=500', { key: limitedSecret });
    expect(scoped.status).toBe(200);
    expect((scoped.body.data as Json[]).every((r) => r.apiKey === 'ci-pipeline')).toBe(true);
    expect(scoped.body.total).toBe(seed.usage.filter((u) => u.apiKey === 'ci-pipeline').length);
  });

  it('usage summary uses the documented bucket sizes and lags the current minute', async () => {
    const nowMin = Math.floor(NOW / 60_000) * 60_000;
    for (const [range, bucket] of [
      ['hour', 60_000],
      ['day', 3_600_000],
      ['week', 86_400_000],
      ['month', 86_400_000],
    ] as const) {
      const { status, body } = await call('GET', `/v0/management/usage/summary?range=${range}`);
      expect(status).toBe(200);
      expect(shapeDiff(body, sampleBody('usage-summary-default'))).toEqual([]);
      const series = body.series as { bucketStartMs: number; requests: number }[];
      expect(series.length).toBeGreaterThan(0);
      expect(series.every((s) => s.bucketStartMs % bucket === 0 && s.bucketStartMs <= nowMin)).toBe(true);
    }
    const inCurrentMinute = seed.usage.filter((u) => u.startTime > nowMin).length;
    expect(inCurrentMinute).toBeGreaterThan(0);
    const hour = (await call('GET', '/v0/management/usage/summary?range=hour')).body;
    const visible = seed.usage.filter((u) => u.startTime >= nowMin - 3_600_000 && u.startTime <= nowMin).length;
    expect((hour.stats as Json).totalRequests).toBe(visible);

    const custom = await call(
      'GET',
      `/v0/management/usage/summary?range=custom&startDate=${new Date(NOW - 130 * 60_000).toISOString()}` +
        `&endDate=${new Date(NOW).toISOString()}`,
    );
    expect((custom.body.series as { bucketStartMs: number }[]).every((s) => s.bucketStartMs % 300_000 === 0)).toBe(true);
    expect(await call('GET', '/v0/management/usage/summary?range=year')).toMatchObject({ status: 400, body: { error: 'Invalid range' } });
  });

  it('errors are paginated with upstream fields; limited keys see only their own', async () => {
    const { body } = await call('GET', '/v0/management/errors');
    expect(shapeDiff(body, sampleBody('errors-list'))).toEqual([]);
    expect(body.total).toBe(seed.errors.length);
    const errorIds = new Set(seed.usage.filter((u) => u.responseStatus === 'error').map((u) => u.requestId));
    expect(seed.errors.every((e) => errorIds.has(e.requestId))).toBe(true);
    const own = await call('GET', '/v0/management/errors?limit=500', { key: limitedSecret });
    expect((own.body.data as Json[]).every((e) => e.apiKey === 'ci-pipeline')).toBe(true);
  });

  it('cooldowns are an array with groq in cooldown, readable by limited keys', async () => {
    const { body } = await call('GET', '/v0/management/cooldowns', { key: limitedSecret });
    expect(Array.isArray(body)).toBe(true);
    expect(shapeDiff(body, sampleBody('cooldowns-list'))).toEqual([]);
    expect(body[0]).toMatchObject({ provider: 'groq', model: 'llama-3.3-70b-versatile', timeRemainingMs: 17 * 60_000 });
  });

  it('provider quota meters, checker list and unknown checkers', async () => {
    const quotas = (await call('GET', '/v0/management/quotas')).body;
    expect(Array.isArray(quotas)).toBe(true);
    expect(quotas.map((q) => q.checkerId)).toEqual(['openrouter-credits', 'anthropic-claude-code']);
    expect(shapeDiff(quotas[0], (sampleBody('quotas-list') as Json[])[0])).toEqual([]);
    expect((quotas[1]!.meters as Json[]).every((m) => typeof m.utilizationPercent === 'number')).toBe(true);
    expect(shapeDiff((await call('GET', '/v0/management/quota-checkers')).body, sampleBody('quota-checkers'))).toEqual([]);
    const hist = (await call('GET', '/v0/management/quotas/openrouter-credits/history?meterKey=balance&since=6h')).body;
    expect(hist).toMatchObject({ checkerId: 'openrouter-credits', meterKey: 'balance' });
    expect((hist.history as Json[]).length).toBe(6);
    expect(await call('GET', '/v0/management/quotas/nope')).toMatchObject({
      status: 200,
      body: { success: false, meters: [], checkerId: 'nope' },
    });
  });

  it('quota status has the legacy snake_case top level', async () => {
    const status = await call('GET', '/v0/management/quota/status/web-app');
    expect(shapeDiff(status.body, sampleBody('quota-status-bot-quota'))).toEqual([]);
    expect((status.body.quotas as Json[]).map((q) => q.name)).toEqual(['tokens-rolling-hour', 'monthly-cost']);
    const none = await call('GET', '/v0/management/quota/status/alice-dev');
    expect(none.body).toEqual({ ...(sampleBody('quota-status-bot-basic-no-quota') as Json), key: 'alice-dev' });
    expect(await call('GET', '/v0/management/quota/status/nope')).toMatchObject({
      status: 404,
      body: { error: { message: 'Key not found: nope', type: 'not_found_error' } },
    });
    const self = await call('GET', '/v0/management/self/quota', { key: limitedSecret });
    expect(shapeDiff(self.body, sampleBody('self-quota-limited'))).toEqual([]);
    expect(self.body).toMatchObject({ key: 'ci-pipeline', quotaName: 'requests-daily', limit: 120 });
  });

  it('a quota in use cannot be deleted (409)', async () => {
    const res = await call('DELETE', '/v0/management/user-quotas/requests-daily');
    expect(res).toMatchObject({ status: 409, body: { error: { type: 'conflict_error' } } });
    expect((res.body.error as Json).message).toBe(
      "Cannot delete quota 'requests-daily'. It is assigned to the following keys: ci-pipeline.",
    );
  });

  it('debug state, traces and MCP logs', async () => {
    expect(shapeDiff((await call('GET', '/v0/management/debug')).body, sampleBody('debug-get'))).toEqual([]);
    const logs = (await call('GET', '/v0/management/debug/logs?limit=2')).body;
    expect(shapeDiff(logs, sampleBody('debug-logs-list'))).toEqual([]);
    const id = (logs.data as Json[])[0]?.requestId as string;
    expect(shapeDiff((await call('GET', `/v0/management/debug/logs/${id}`)).body, sampleBody('debug-logs-get-by-id'))).toEqual([]);
    const mcp = (await call('GET', '/v0/management/mcp-logs')).body;
    expect(shapeDiff(mcp, sampleBody('mcp-logs-list'))).toEqual([]);
    expect(mcp.limit).toBe(20);
  });

  it('config, performance and concurrency views', async () => {
    expect((await call('GET', '/v0/management/config/status')).body).toEqual({
      providerCount: 5,
      modelAliasCount: 4,
      keyCount: 6,
      quotaCount: 4,
      mcpServerCount: 3,
    });
    const failover = (await call('GET', '/v0/management/config/failover')).body;
    expect((failover.retryableStatusCodes as number[]).length).toBe(398);
    expect((await call('GET', '/v0/management/config/timeout')).body).toEqual({ defaultSeconds: 120 });
    const opaque = ['providers', 'models', 'keys', 'mcpServers', 'mcp_servers', 'user_quotas', 'options'];
    expect(shapeDiff((await call('GET', '/v0/management/config')).body, sampleBody('config-get'), { opaque })).toEqual([]);
    const perf = (await call('GET', '/v0/management/performance?provider=groq')).body;
    expect(perf.length).toBeGreaterThan(0);
    expect(shapeDiff(perf, sampleBody('performance'))).toEqual([]);
    const timeline = (await call('GET', '/v0/management/concurrency?mode=timeline&timeRange=hour&groupBy=provider')).body;
    expect(shapeDiff(timeline, sampleBody('concurrency-timeline'))).toEqual([]);
  });

  it('metrics are Prometheus text, cached for 15 s', async () => {
    const first = await call('GET', '/v0/management/metrics');
    expect(first.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(first.text).toContain(`plexus_requests_total ${seed.usage.length}`);
    expect(first.text).toContain('plexus_cooldown_active{provider="groq",model="llama-3.3-70b-versatile"} 1');
    const second = await call('GET', '/v0/management/metrics');
    expect([first.headers.get('x-metrics-cache'), second.headers.get('x-metrics-cache')]).toEqual(['MISS', 'HIT']);
  });
});

describe('seed', () => {
  it('is deterministic for a given time and realistic in size', () => {
    expect(demoSeed(NOW)).toEqual(seed);
    expect(seed.usage.length).toBeGreaterThan(2000);
    expect(seed.usage.length).toBeLessThan(5000);
    const first = seed.usage[0]?.startTime as number;
    expect(NOW - first).toBeGreaterThan(29 * 86_400_000);
    expect(seed.usage.every((u) => u.startTime <= NOW)).toBe(true);
    expect(new Set(seed.usage.map((u) => u.requestId)).size).toBe(seed.usage.length);
  });

  it('seeded secrets look real and stay out of logs, usage and errors', async () => {
    const secrets = demoSecrets(seed);
    expect(secrets.filter((s) => /^sk-plexus-[0-9a-f]{32}$/.test(s))).toHaveLength(6);
    expect(secrets.length).toBeGreaterThanOrEqual(10);
    const bodies = await Promise.all(
      [
        '/v0/management/usage?limit=500',
        '/v0/management/errors?limit=500',
        '/v0/system/logs/recent',
        '/v0/management/mcp-logs?limit=100',
        '/v0/management/metrics',
      ].map(async (p) => (await call('GET', p)).text),
    );
    for (const s of secrets) for (const b of bodies) expect(b.includes(s)).toBe(false);
    // Upstream returns provider and key secrets in plain text to the admin.
    const providers = (await call('GET', '/v0/management/providers')).text;
    expect(secrets.some((s) => providers.includes(s))).toBe(true);
  });
});

describe('streams and backups', () => {
  it('system log stream sends syslog events and stops when the client disconnects', async () => {
    const ac = new AbortController();
    const res = await fetch(`${gw.url}/v0/system/logs/stream`, { headers: { 'x-admin-key': ADMIN }, signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(
      /^event: syslog\nid: \d+\ndata: \{"message":".+","level":"\w+","timestamp":"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d","module":"[\w-]+"\}\n\n/,
    );
    ac.abort();
    await reader.cancel().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 80));
    const total = gw.gateway.state.systemLogsTotal;
    await new Promise((r) => setTimeout(r, 120));
    expect(gw.gateway.state.systemLogsTotal).toBe(total);
  });

  it('usage events stream started/completed for new requests', async () => {
    const ac = new AbortController();
    const res = await fetch(`${gw.url}/v0/management/events`, { headers: { 'x-admin-key': ADMIN }, signal: ac.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const rec = {
      ...(seed.usage[0] as DemoSeed['usage'][number]),
      requestId: 'live-0001',
      startTime: NOW,
      date: new Date(NOW).toISOString(),
    };
    gw.gateway.state.addUsage(rec);
    let text = '';
    while (!text.includes('event: completed')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: started');
    expect(text).toContain('"responseStatus":"pending"');
    expect(text).toContain('"requestId":"live-0001"');
    ac.abort();
    await reader.cancel().catch(() => undefined);
    expect((await call('GET', '/v0/management/usage?requestId=live-0001')).body.total).toBe(1);
    gw.gateway.state.usage = gw.gateway.state.usage.filter((u) => u.requestId !== 'live-0001');
  });

  it('the log stream refuses a wrong key with 401', async () => {
    expect(await call('GET', '/v0/system/logs/stream', { key: 'nope' })).toMatchObject({
      status: 401,
      body: sampleBody('system-logs-stream-wrong-key'),
    });
  });

  it('config backup is the plexus_backup envelope; the full backup is a gzip tar', async () => {
    const backup = (await call('GET', '/v0/management/backup')).body;
    const opaque = ['providers', 'models', 'keys', 'user_quotas', 'mcp_servers', 'settings'];
    expect(shapeDiff(backup, sampleBody('backup-config-json'), { opaque })).toEqual([]);
    expect(Object.keys((backup.data as Json).providers as Json)).toHaveLength(5);
    const res = await fetch(`${gw.url}/v0/management/backup?full=true`, { headers: { 'x-admin-key': ADMIN } });
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="plexus-backup-.+\.tar\.gz"$/);
    const tar = gunzipSync(Buffer.from(await res.arrayBuffer()));
    expect(tar.subarray(0, 13).toString()).toBe('manifest.json');
    expect(tar.includes('request_usage.csv.gz')).toBe(true);
  });
});
