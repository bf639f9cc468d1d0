import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as S from '../src/plexus/schemas.js';
import { loadSample, sampleNames, type Sample } from './support/samples.js';

/** Which schema reads which answer: [methods, path pattern, schema]; the first match wins. */
const ROUTES: [string, RegExp, z.ZodType][] = [
  ['GET', /^\/v0\/management\/auth\/verify$/, S.authVerifySchema],
  ['GET', /^\/v0\/management\/self\/me$/, S.selfMeSchema],
  ['POST', /^\/v0\/management\/self\/rotate$/, S.rotateResultSchema],
  ['GET', /^\/v0\/management\/self\/quota$/, S.keyQuotaStatusSchema],
  ['POST', /^\/v0\/management\/self\/debug\/toggle$/, S.debugToggleResultSchema],
  ['GET', /^\/v0\/management\/usage$/, S.usagePageSchema],
  ['GET', /^\/v0\/management\/usage\/summary$/, S.usageSummarySchema],
  ['GET', /^\/v0\/management\/errors$/, S.errorPageSchema],
  ['GET PATCH', /^\/v0\/management\/debug$/, S.debugStateSchema],
  ['GET', /^\/v0\/management\/debug\/logs$/, S.debugLogPageSchema],
  ['GET', /^\/v0\/management\/debug\/logs\/.+$/, S.debugLogDetailSchema],
  ['POST', /^\/v0\/management\/providers\/fetch-models$/, S.fetchModelsResultSchema],
  ['GET', /^\/v0\/management\/providers$/, S.providerListSchema],
  ['GET', /^\/v0\/management\/providers\/.+$/, S.providerConfigSchema],
  ['GET', /^\/v0\/management\/quota-checkers$/, S.quotaCheckersSchema],
  ['GET', /^\/v0\/management\/quota-checker-types$/, S.quotaCheckerTypesSchema],
  ['GET', /^\/v0\/management\/quotas$/, S.quotaSnapshotListSchema],
  ['GET', /^\/v0\/management\/quotas\/[^/]+\/history$/, S.quotaHistorySchema],
  ['GET', /^\/v0\/management\/quotas\/[^/]+$/, S.quotaSnapshotSchema],
  ['POST', /^\/v0\/management\/quotas\/[^/]+\/check$/, S.quotaSnapshotSchema],
  ['GET', /^\/v0\/management\/aliases$/, S.aliasListSchema],
  ['GET', /^\/v0\/management\/aliases\/.+$/, S.aliasConfigSchema],
  ['GET', /^\/v0\/management\/keys$/, S.apiKeyListSchema],
  ['GET', /^\/v0\/management\/keys\/.+$/, S.apiKeyConfigSchema],
  ['GET', /^\/v0\/management\/user-quotas$/, S.userQuotaListSchema],
  ['GET', /^\/v0\/management\/user-quotas\/.+$/, S.userQuotaConfigSchema],
  ['PUT PATCH', /^\/v0\/management\/user-quotas\/.+$/, S.userQuotaWriteResultSchema],
  ['GET', /^\/v0\/management\/quota\/status\/.+$/, S.keyQuotaStatusSchema],
  ['POST', /^\/v0\/management\/quota\/(clear|recompute)$/, S.quotaResetResultSchema],
  ['GET', /^\/v0\/management\/mcp-servers$/, S.mcpServerListSchema],
  ['GET', /^\/v0\/management\/mcp-servers\/.+$/, S.mcpServerConfigSchema],
  ['GET', /^\/v0\/management\/mcp-logs$/, S.mcpLogPageSchema],
  ['GET', /^\/v0\/management\/config\/status$/, S.configStatusSchema],
  ['GET PATCH', /^\/v0\/management\/config\/failover$/, S.failoverConfigSchema],
  ['GET PATCH', /^\/v0\/management\/config\/exploration-rate$/, S.explorationRateSchema],
  ['GET PATCH', /^\/v0\/management\/config\/background-exploration$/, S.backgroundExplorationSchema],
  ['GET PATCH', /^\/v0\/management\/config\/cooldown$/, S.cooldownConfigSchema],
  ['GET PATCH', /^\/v0\/management\/config\/timeout$/, S.timeoutConfigSchema],
  ['GET PATCH', /^\/v0\/management\/config\/stall$/, S.stallConfigSchema],
  ['GET', /^\/v0\/management\/config\/(capture-trace-on-error|mcp-enabled)$/, S.enabledFlagSchema],
  ['GET', /^\/v0\/management\/config\/trusted-proxies$/, S.trustedProxiesSchema],
  ['GET', /^\/v0\/management\/config$/, S.configDocumentSchema],
  ['GET', /^\/v0\/management\/config\/export$/, S.configExportSchema],
  ['GET PATCH', /^\/v0\/management\/(config\/vision-fallthrough|config\/compaction|system-settings)$/, S.looseRecordSchema],
  ['GET', /^\/v0\/management\/cooldowns$/, S.cooldownListSchema],
  ['GET', /^\/v0\/management\/concurrency$/, S.concurrencySchema],
  ['GET', /^\/v0\/management\/performance$/, S.performanceListSchema],
  ['GET PUT DELETE', /^\/v0\/management\/logging\/level$/, S.loggingLevelSchema],
  ['GET PUT DELETE', /^\/v0\/management\/logging\/modules$/, S.loggingModulesSchema],
  ['GET', /^\/v0\/system\/logs\/recent$/, S.systemLogPageSchema],
  ['GET', /^\/v0\/management\/backup$/, S.backupEnvelopeSchema],
  ['POST', /^\/v0\/management\/restore$/, S.restoreResultSchema],
  // Every other write answers {success, …}.
  ['PUT PATCH POST DELETE', /^\/v0\/management\/.+$/, S.successSchema],
];

const schemaFor = (method: string, p: string): z.ZodType | undefined =>
  ROUTES.find(([methods, re]) => methods.split(' ').includes(method) && re.test(p))?.[2];

const isJsonOk = (s: Sample) =>
  s.status >= 200 && s.status < 300 && (s.content_type ?? '').includes('json') && s.request.path.startsWith('/v0/');

const parse = <S extends z.ZodType>(schema: S, name: string): z.output<S> => schema.parse(loadSample(name).body);

describe('schemas read every recorded 2xx JSON answer', () => {
  const samples = sampleNames().map(loadSample).filter(isJsonOk);

  it('found the samples', () => {
    expect(samples.length).toBeGreaterThanOrEqual(50);
  });

  it.each(samples.map((s) => [s.name, s] as const))('%s', (_name, sample) => {
    const p = sample.request.path.split('?')[0] ?? '';
    const schema = schemaFor(sample.request.method, p);
    expect(schema, `no schema for ${sample.request.method} ${p}`).toBeDefined();
    const res = schema!.safeParse(sample.body);
    expect(res.success ? 'ok' : JSON.stringify(res.error.issues.slice(0, 3))).toBe('ok');
  });
});

describe('maps keyed by name become lists', () => {
  it('providers', () => {
    const list = parse(S.providerListSchema, 'providers-list');
    expect(list.map((p) => p.name)).toEqual(['openai-dead', 'anthropic-like']);
    const [dead, like] = list;
    expect(S.providerModelNames(dead!)).toEqual(['gpt-4o-mini']);
    expect(S.providerBaseUrls(dead!)).toEqual([{ apiType: '', url: 'http://127.0.0.1:1/v1' }]);
    expect(S.providerBaseUrls(like!)).toEqual([{ apiType: 'messages', url: 'http://127.0.0.1:14001/v1' }]);
    expect(like?.quota_checker?.id).toBe('anthropic-like-quota');
    expect(S.providerModelNames(parse(S.providerConfigSchema, 'providers-get-tmp-after-patch'))).toHaveLength(2);
  });

  it('aliases, keys, user quotas, MCP servers', () => {
    const aliases = parse(S.aliasListSchema, 'aliases-list');
    expect(aliases[0]).toMatchObject({ name: 'smart-model', priority: 'selector', sticky_session: true });
    expect(aliases[0]?.target_groups[0]?.targets.map((t) => t.provider)).toEqual(['openai-dead', 'anthropic-like']);

    const keys = parse(S.apiKeyListSchema, 'keys-list');
    expect(keys.map((k) => k.name)).toEqual(['bot-basic', 'bot-quota']);
    expect(keys[1]?.quotas).toEqual(['tokens-rolling-hour', 'requests-daily']);
    expect(parse(S.apiKeyConfigSchema, 'keys-get-time-bound').expiresAt).toBeTypeOf('number');

    const quotas = parse(S.userQuotaListSchema, 'user-quotas-list');
    expect(quotas).toEqual([
      { name: 'tokens-rolling-hour', type: 'rolling', limitType: 'tokens', limit: 100000, duration: '1h' },
      { name: 'requests-daily', type: 'daily', limitType: 'requests', limit: 1000 },
    ]);

    const mcp = parse(S.mcpServerListSchema, 'mcp-servers-list');
    expect(mcp[0]).toMatchObject({ name: 'test-mcp', enabled: true, auth_scheme: null });
  });

  it('mapToList: the key wins over a name field', () => {
    expect(S.mapToList({ a: { name: 'x', v: 1 }, b: { v: 2 } })).toEqual([
      { name: 'a', v: 1 },
      { name: 'b', v: 2 },
    ]);
    expect(parse(S.apiKeyListSchema, 'keys-list').map((k) => k.name)).toEqual(['bot-basic', 'bot-quota']);
  });
});

describe('quota status: snake_case and camelCase read the same', () => {
  it('quota/status (snake) and self/quota (camel)', () => {
    const snake = parse(S.keyQuotaStatusSchema, 'quota-status-bot-quota');
    const camel = parse(S.keyQuotaStatusSchema, 'self-quota-limited');
    for (const s of [snake, camel]) {
      expect(s).toMatchObject({
        key: 'bot-quota',
        quotaName: 'requests-daily',
        allowed: true,
        currentUsage: 2,
        limit: 1000,
        remaining: 998,
        resetsAt: '2026-11-27T00:00:00.000Z',
        limitType: 'requests',
      });
      expect(s.quotas.map((q) => q.name)).toEqual(['tokens-rolling-hour', 'requests-daily']);
      expect(s.quotas[1]).toMatchObject({
        limitType: 'requests',
        limit: 1000,
        currentUsage: 2,
        remaining: 998,
        allowed: true,
        source: 'assigned',
      });
    }
  });

  it('a key without quota, and an exhausted key', () => {
    for (const name of ['quota-status-bot-basic-no-quota', 'self-quota-limited-no-quota']) {
      expect(parse(S.keyQuotaStatusSchema, name)).toMatchObject({
        quotas: [],
        quotaName: null,
        allowed: true,
        currentUsage: 0,
        limit: null,
        remaining: null,
        resetsAt: null,
        limitType: null,
      });
    }
    const ex = parse(S.keyQuotaStatusSchema, 'quota-status-exhausted');
    expect(ex.allowed).toBe(false);
    expect(ex.remaining).toBe(0);
    expect(S.normalizeQuotaStatus(parse(S.quotaStatusRawSchema, 'quota-status-exhausted'))).toEqual(ex);
  });
});

describe('records', () => {
  it('usage rows: all 48 fields, and partial rows from fields=', () => {
    const page = parse(S.usagePageSchema, 'usage-default');
    expect(page).toMatchObject({ total: 6, limit: 50, offset: 0 });
    const row = page.data.find((r) => r.responseStatus === 'success');
    expect(Object.keys(row!)).toHaveLength(48);
    expect(row).toMatchObject({ provider: 'anthropic-like', isStreamed: false });
    expect(row?.tokensInput).toBeTypeOf('number');
    const failed = page.data.find((r) => r.responseStatus === 'error');
    expect(failed?.costTotal).toBeNull();

    const partial = parse(S.usagePageSchema, 'usage-fields');
    expect(Object.keys(partial.data[0]!).sort()).toEqual(
      [
        'apiKey',
        'costTotal',
        'date',
        'incomingModelAlias',
        'provider',
        'requestId',
        'responseStatus',
        'tokensInput',
        'tokensOutput',
      ].sort(),
    );
    expect(parse(S.usagePageSchema, 'usage-total-after-olderThanDays').data[0]).toEqual({ requestId: expect.any(String) });
  });

  it('usage summary', () => {
    const s = parse(S.usageSummarySchema, 'usage-summary-default');
    expect(s.range).toBe('day');
    expect(s.series[0]).toMatchObject({ requests: 6, tokens: 177 });
    expect(s.stats.totalRequests).toBe(6);
    expect(s.today.totalCost).toBeCloseTo(0.0003048);
    const empty = S.usageSummarySchema.parse({ range: 'hour' });
    expect(empty.series).toEqual([]);
    expect(empty.stats.totalRequests).toBe(0);
  });

  it('error records keep details as a string, with safe parse helpers', () => {
    const page = parse(S.errorPageSchema, 'errors-list');
    const routed = page.data.find((e) => e.id === 1);
    expect(routed?.details).toBeTypeOf('string');
    const details = S.parseErrorDetails(routed?.details);
    expect(details).toMatchObject({
      apiType: 'chat',
      attemptCount: 1,
      statusCode: 500,
      allAttemptedProviders: ['openai-dead/gpt-4o-mini'],
    });
    expect(S.parseRetryHistory(details?.retryHistory)).toEqual([
      expect.objectContaining({ index: 1, provider: 'openai-dead', status: 'failed', retryable: false }),
    ]);
    expect(S.parseErrorDetails('{broken')).toBeUndefined();
    expect(S.parseErrorDetails('[1,2]')).toBeUndefined();
    expect(S.parseErrorDetails(null)).toBeUndefined();
    expect(S.parseRetryHistory('not json')).toEqual([]);
    expect(S.parseRetryHistory('[{"index":1},42]')).toEqual([{ index: 1 }]);
    expect(S.safeJsonParse('')).toBeUndefined();
  });

  it('cooldowns, performance, debug', () => {
    const cd = parse(S.cooldownListSchema, 'cooldowns-list');
    expect(cd[0]).toMatchObject({ provider: 'openai-dead', model: 'gpt-4o-mini', consecutiveFailures: 1 });
    expect(parse(S.cooldownListSchema, 'cooldowns-list-after-delete')).toEqual([]);
    expect(parse(S.performanceListSchema, 'performance')[0]?.sample_count).toBe(10);
    expect(parse(S.debugStateSchema, 'debug-get').providers).toBeNull();
    expect(parse(S.debugStateSchema, 'debug-get-as-limited').enabledForKey).toBeTypeOf('boolean');
    expect(parse(S.debugLogPageSchema, 'debug-logs-list').data[2]?.responseStatus).toBe(200);
  });
});

describe('provider quota checkers', () => {
  it('snapshots with meters', () => {
    const list = parse(S.quotaSnapshotListSchema, 'quotas-list');
    expect(list.map((q) => q.checkerId)).toEqual(['openai-dead-credits', 'anthropic-like-quota']);
    const synthetic = parse(S.quotaSnapshotSchema, 'quotas-get-synthetic');
    expect(synthetic.meters[0]).toMatchObject({
      key: 'rolling_5h',
      kind: 'allowance',
      utilizationPercent: 16,
      periodValue: 5,
      periodUnit: 'hour',
      periodCycle: 'rolling',
      resetsAt: '2026-11-26T18:48:58.887Z',
    });
    expect(synthetic.meters[1]?.scope).toBe('search');
    expect(parse(S.quotaSnapshotSchema, 'quotas-get-unknown')).toEqual({ checkerId: 'nope', success: false, meters: [] });
    const checkers = parse(S.quotaCheckersSchema, 'quota-checkers');
    expect(checkers.knownTypes).toHaveLength(30);
    expect(checkers.configured[1]?.meters).toHaveLength(3);
    expect(parse(S.quotaHistorySchema, 'quotas-history').history[0]?.meterKey).toBe('rolling_5h');
  });
});

describe('tolerance', () => {
  it('unknown fields pass through, nulls and missing fields are fine', () => {
    const v = S.cooldownEntrySchema.parse({ provider: 'p', model: null, brandNew: { x: 1 } });
    expect(v).toEqual({ provider: 'p', model: null, brandNew: { x: 1 } });
    expect(S.authVerifySchema.parse({ role: 'admin', ok: true, future: 1 })).toMatchObject({ future: 1 });
  });

  it('numbers as strings, booleans as 0/1, JSON fields as values', () => {
    const row = S.usageRecordSchema.parse({
      costTotal: '0.0123',
      tokensInput: '42',
      isStreamed: 1,
      hasError: 0,
      retryHistory: [{ index: 1 }],
    });
    expect(row).toMatchObject({ costTotal: 0.0123, tokensInput: 42, isStreamed: true, hasError: false, retryHistory: '[{"index":1}]' });
    expect(S.usageRecordSchema.safeParse({ tokensInput: 'lots' }).success).toBe(false);
  });

  it('page() fills a missing total from the data', () => {
    const p = S.page(z.looseObject({ id: z.number() })).parse({ data: [{ id: 1 }, { id: 2 }] });
    expect(p).toEqual({ data: [{ id: 1 }, { id: 2 }], total: 2, limit: undefined, offset: 0 });
    expect(S.page(z.unknown()).parse({ data: null, total: 0 }).data).toEqual([]);
  });

  it('still rejects what the bot cannot use', () => {
    expect(S.providerListSchema.safeParse([1, 2]).success).toBe(false);
    expect(S.cooldownListSchema.safeParse({ provider: 'p' }).success).toBe(false);
    expect(S.rotateResultSchema.safeParse({ keyName: 'k' }).success).toBe(false);
  });
});

describe('quota meters reported as words', () => {
  it('reads a non-numeric utilization as unknown instead of refusing the whole answer', () => {
    const [snap] = S.quotaSnapshotListSchema.parse([
      {
        checkerId: 'c',
        checkerType: 'synthetic',
        provider: 'p',
        checkedAt: '2026-11-26T00:00:00Z',
        success: true,
        meters: [
          {
            key: 'k',
            label: 'L',
            kind: 'allowance',
            unit: 'requests',
            limit: 10,
            used: 1,
            remaining: 9,
            utilizationPercent: 'unknown',
            status: 'ok',
          },
        ],
      },
    ]);
    expect(snap!.meters[0]!.utilizationPercent).toBeNull();
    expect(snap!.meters[0]!.used).toBe(1);
  });
});

/** Schemas for which `{}` is a valid answer, and why. Every other exported schema must refuse it. */
const EMPTY_OBJECT_OK: Record<string, string> = {
  providerListSchema: 'a map by name: no providers',
  aliasListSchema: 'a map by name: no aliases',
  apiKeyListSchema: 'a map by name: no keys',
  userQuotaListSchema: 'a map by name: no user quotas',
  mcpServerListSchema: 'a map by name: no MCP servers',
  looseRecordSchema: 'system-settings, vision-fallthrough, compaction: nothing set yet',
  usageRecordSchema: 'a usage row of `fields=` with unknown names is {}',
  jsonText: 'a JSON text field: any object is text',
  text: 'a JSON text field: any object is text',
  errorDetailsSchema: 'read leniently from the JSON text in an error record',
  retryHistoryEntrySchema: 'read leniently from the JSON text in retryHistory (broken entries are dropped)',
};

describe('what is read is required', () => {
  const exported = Object.entries(S).flatMap(([name, v]): [string, z.ZodType][] => (v instanceof z.ZodType ? [[name, v]] : []));

  it('finds the exported schemas', () => {
    expect(exported.length).toBeGreaterThanOrEqual(76);
    for (const name of Object.keys(EMPTY_OBJECT_OK)) expect(exported.map(([n]) => n)).toContain(name);
  });

  it.each(exported.map(([name, schema]) => [name, schema] as const))('%s: {} only where an empty object is an answer', (name, schema) => {
    expect(schema.safeParse({}).success, name).toBe(name in EMPTY_OBJECT_OK);
  });

  it('a write result must say success: true', () => {
    for (const schema of [S.successSchema, S.userQuotaWriteResultSchema, S.restoreResultSchema]) {
      expect(schema.safeParse({ success: false, message: 'nope' }).success).toBe(false);
      expect(schema.safeParse({}).success).toBe(false);
    }
    expect(S.successSchema.parse({ success: true, slug: 's' })).toEqual({ success: true, slug: 's' });
    expect(S.quotaResetResultSchema.safeParse({ success: false, key: 'k' }).success).toBe(false);
  });

  it('maps and free-form objects still refuse another shape', () => {
    for (const schema of [S.providerListSchema, S.aliasListSchema, S.apiKeyListSchema, S.userQuotaListSchema, S.mcpServerListSchema]) {
      expect(schema.safeParse([]).success).toBe(false);
      expect(schema.safeParse({ a: 'not an object' }).success).toBe(false);
    }
    expect(S.looseRecordSchema.safeParse([1]).success).toBe(false);
    expect(S.apiKeyListSchema.safeParse({ k: { comment: 'no secret' } }).success).toBe(false);
  });

  it('a page needs its data (null reads as none), a record its identifying fields', () => {
    expect(S.usagePageSchema.safeParse({ total: 3 }).success).toBe(false);
    expect(S.usagePageSchema.parse({ data: null, total: 0 }).data).toEqual([]);
    expect(S.pageTotalSchema.parse({ data: [], total: 4 }).total).toBe(4);
    expect(S.pageTotalSchema.parse({ data: [] }).total).toBeUndefined();
    expect(S.pageTotalSchema.safeParse({ total: 4 }).success).toBe(false);
    expect(S.errorRecordSchema.safeParse({ id: 1 }).success).toBe(false);
    expect(S.keyQuotaStatusSchema.safeParse({ key: 'k' }).success).toBe(false);
    expect(S.quotaHistorySchema.parse({ history: [] }).history).toEqual([]);
  });

  it('an MCP server is remote (upstream_url) or local (mode local_http with a package)', () => {
    expect(S.mcpServerConfigSchema.safeParse({ upstream_url: 'http://x/mcp' }).success).toBe(true);
    expect(S.mcpServerConfigSchema.safeParse({ mode: 'local_http', launcher: 'bunx', package: 'p', port: 3000 }).success).toBe(true);
    const bad = S.mcpServerConfigSchema.safeParse({ mode: 'local_http', enabled: true });
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['upstream_url']);
  });

  it('asSent checks with the schema but keeps the answer as sent', () => {
    const sent = {
      stallCooldown: 0,
      extra: 1,
      ttfbSeconds: null,
      ttfbBytes: '100',
      minBytesPerSecond: null,
      windowSeconds: 10,
      gracePeriodSeconds: 30,
    };
    const read = S.asSent(S.stallConfigSchema).parse(sent);
    expect(read).toEqual(sent);
    expect(Object.keys(read)).toEqual(Object.keys(sent));
    const bad = S.asSent(S.stallConfigSchema).safeParse({ ...sent, windowSeconds: 'ten' });
    expect(bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['windowSeconds: expected a number']);
  });
});
