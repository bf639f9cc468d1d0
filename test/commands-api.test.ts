import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { operationTier } from '../src/commands/openapi-doc.js';
import { demoSecrets } from '../src/demo/seed.js';
import { consoleAllSlackRead, slackUser, useHarness } from './support/harness.js';

const ROOT = new URL('..', import.meta.url).pathname;
const DOC = '/.well-known/plexus/openapi.json';
const TEN_MINUTES = 10 * 60 * 1000;

const h = useHarness({
  access: [...consoleAllSlackRead, { platform: 'slack', users: ['U0WRITER'], tier: 'write' }],
});
const docFetches = () => h.fake.requests.filter((r) => r.path === DOC).length;
/** Forgets the cached document (it lives 10 minutes per client). */
const expireDoc = () => h.clock.advance(TEN_MINUTES + 1);

describe('the demo gateway serves its OpenAPI document', () => {
  it('publicly, with an ETag that answers 304 when unchanged', async () => {
    const res = await fetch(h.fake.url + DOC);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { operationId?: string }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/v0/management/cooldowns']?.get?.operationId).toBe('getV0ManagementCooldowns');
    expect(JSON.stringify(doc)).not.toContain('"$ref":"paths/');
    const etag = res.headers.get('etag')!;
    expect((await fetch(h.fake.url + DOC, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });
});

describe('api list and api describe', () => {
  it('lists operations by tag, filtered, with the tier a call needs', async () => {
    expireDoc();
    const o = await h.run('api list cooldowns');
    expect(o.status).toBe('ok');
    const out = h.text(o);
    expect(out).toContain('Management — Cooldowns (3)');
    expect(out).toMatch(/getV0ManagementCooldowns\s+GET cooldowns\s+read\s+List active cooldowns/);
    expect(out).toMatch(/deleteV0ManagementCooldownsByprovider\s+DELETE cooldowns\/\{provider\}\s+destructive/);
    expect(out).not.toContain('getV0ManagementProviders');
    expect(h.text(await h.run('api list nothing-like-this'))).toContain('No operation matches `nothing-like-this`');
  });

  it('fetches the document once per 10 minutes', async () => {
    expireDoc();
    await h.run('api list');
    await h.run('api describe getV0ManagementCooldowns');
    await h.run('api call getV0ManagementCooldowns');
    expect(docFetches()).toBe(1);
    expireDoc();
    await h.run('api list');
    expect(docFetches()).toBe(2);
  });

  it('describes parameters, the body fields, the tier and the curated command', async () => {
    const out = h.text(await h.run('api describe putV0ManagementProvidersByslug'));
    expect(out).toContain('Call:  PUT /v0/management/providers/{slug}');
    expect(out).toContain('Tier:  write');
    expect(out).toContain('Usage: api call putV0ManagementProvidersByslug slug=<slug> {json}');
    expect(out).toMatch(/slug\s+path\s+string\s+yes/);
    expect(out).toMatch(/api_base_url\s+string \| object\s+yes/);
    expect(out).toContain('Curated command: `providers set`');
    const destructive = h.text(await h.run('api describe deleteV0ManagementCooldownsByprovider'));
    expect(destructive).toContain('destructive (asks for confirmation)');
    expect(destructive).toMatch(/model\s+query\s+string\s+no/);
  });

  it('names the closest operations for a mistyped id', async () => {
    const o = await h.run('api describe getV0ManagementCooldown');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('No operation `getV0ManagementCooldown`');
    expect(h.text(o)).toContain('`getV0ManagementCooldowns`');
  });

  it('says clearly when the server has no document, or a broken one', async () => {
    expireDoc();
    h.fake.failNext(1, 404, undefined, { path: /openapi\.json$/ });
    const missing = await h.run('api list');
    expect(missing.status).toBe('error');
    expect(h.text(missing)).toContain('does not publish its OpenAPI document (GET /.well-known/plexus/openapi.json answered 404)');
    expect(h.text(missing)).toContain('type `help`');

    h.fake.garbage({ path: /openapi\.json$/ }, { kind: 'html', times: 1 });
    expect(h.text(await h.run('api list'))).toContain('not JSON (text/html');
    h.fake.garbage({ path: /openapi\.json$/ }, { kind: 'wrong-shape', times: 1 });
    expect(h.text(await h.run('api describe getV0ManagementCooldowns'))).toContain('not an OpenAPI document');
    // A failure is not cached: the next call fetches again and works.
    expect((await h.run('api list cooldowns')).status).toBe('ok');
  });
});

describe('api call', () => {
  it('GETs, and shows the JSON answer as a code block', async () => {
    const o = await h.run('api call getV0ManagementCooldowns');
    expect(o.status).toBe('ok');
    expect(o.reply.blocks.some((b) => b.type === 'code' && b.text.includes('"provider": "groq"'))).toBe(true);
    expect(h.text(o)).toContain('GET /v0/management/cooldowns → HTTP 200');
    expect(h.calls().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v0/management/cooldowns']);
  });

  it('fills path parameters, sends the rest as query, and confirms a destructive operation first', async () => {
    const asked = await h.run('api call deleteV0ManagementCooldownsByprovider provider=groq model=llama-3.3-70b-versatile');
    expect(asked.status).toBe('pending');
    expect(h.text(asked)).toContain('It sends `DELETE /v0/management/cooldowns/groq` with model');
    expect(h.text(asked)).toContain('Curated command: `cooldowns clear`');
    expect(h.calls('DELETE')).toHaveLength(0);
    const done = await h.app.pipeline.confirm(asked.confirmationId!, {
      platform: 'console',
      userId: 'alice',
      channelId: 'console',
      groups: [],
    });
    expect(done.status).toBe('ok');
    const [del] = h.calls('DELETE');
    expect(del?.path).toBe('/v0/management/cooldowns/groq');
    expect(del?.query).toBe('model=llama-3.3-70b-versatile');
    expect(h.text(await h.run('api call getV0ManagementCooldowns'))).not.toContain('groq');
  });

  it('refuses a call with a missing path parameter or body before sending anything', async () => {
    const noParam = await h.run('api call deleteV0ManagementCooldownsByprovider');
    expect(noParam.status).toBe('error');
    expect(h.text(noParam)).toContain('missing provider=');
    expect(h.text(noParam)).toContain('Usage: api call deleteV0ManagementCooldownsByprovider provider=<provider>');
    const noBody = await h.run('api call putV0ManagementUserquotasByname name=nightly');
    expect(h.text(noBody)).toContain('missing a JSON body');
    expect(h.calls()).toHaveLength(0);
  });

  it('sends the JSON body of a write', async () => {
    const o = await h.run('api call putV0ManagementUserquotasByname name=nightly {"type":"daily","limitType":"requests","limit":10}');
    expect(o.status).toBe('ok');
    const [put] = h.calls('PUT');
    expect(put?.path).toBe('/v0/management/user-quotas/nightly');
    expect(JSON.parse(put?.body ?? '')).toEqual({ type: 'daily', limitType: 'requests', limit: 10 });
    expect(h.text(await h.run('api call getV0ManagementUserquotasByname name=nightly'))).toContain('"limit": 10');
  });

  it('authorizes the tier of the operation, not of the command', async () => {
    const reader = slackUser('U0READER');
    const writer = slackUser('U0WRITER');
    expect((await h.run('api call getV0ManagementCooldowns', reader)).status).toBe('ok');
    const write = await h.run('api call patchV0ManagementDebug {"enabled":true}', reader);
    expect(write.status).toBe('denied');
    expect(h.text(write)).toContain('needs the write tier');
    expect((await h.run('api call patchV0ManagementDebug {"enabled":false}', writer)).status).toBe('ok');
    const restart = await h.run('api call postV0ManagementRestart', writer);
    expect(restart.status).toBe('denied');
    expect(h.text(restart)).toContain('needs the destructive tier');
    expect(h.calls().map((r) => r.method)).toEqual(['GET', 'PATCH']);
  });

  it('masks secrets in answers', async () => {
    const secrets = demoSecrets(h.fake.gateway.state);
    const o = await h.run('api call getV0ManagementProvidersByslug slug=openai');
    expect(h.text(o)).toContain('"api_key": "••••');
    for (const s of secrets) expect(JSON.stringify(o.reply)).not.toContain(s);
    expect(h.text(await h.run('api call getV0ManagementUsage limit=1'))).toMatch(/"apiKey": "[a-z-]+"/);
  });

  it('cuts a long answer and says how much was left out; summarizes a non-JSON one', async () => {
    const long = h.text(await h.run('api call getV0ManagementUsage limit=50'));
    expect(long).toMatch(/Cut: [\d,]+ more characters \([\d,]+ lines\) of [\d,]+ are left out/);
    const metrics = h.text(await h.run('api call getV0ManagementMetrics'));
    expect(metrics).toMatch(/HTTP 200: text\/plain, [\d.]+ kB\. Only JSON answers are shown here/);
  });

  it('shows what Plexus refused', async () => {
    const o = await h.run('api call getV0ManagementProvidersByslug slug=nope');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('Plexus refused the request');
  });
});

describe('the tier of an operation', () => {
  it('follows the method, and names that delete, reset, rotate… are destructive', () => {
    expect(operationTier('GET', 'getV0ManagementCooldowns', '/v0/management/cooldowns')).toBe('read');
    expect(operationTier('PATCH', 'patchV0ManagementDebug', '/v0/management/debug')).toBe('write');
    expect(operationTier('DELETE', 'deleteV0ManagementCooldowns', '/v0/management/cooldowns')).toBe('destructive');
    expect(operationTier('POST', 'postV0ManagementSelfRotate', '/v0/management/self/rotate')).toBe('destructive');
    expect(operationTier('POST', 'postV0ManagementKeysBynameDisable', '/v0/management/keys/{name}/disable')).toBe('destructive');
    expect(operationTier('POST', 'postV0ManagementCacheVisionDescriptorClear', '/v0/management/cache/vision-descriptor/clear')).toBe(
      'destructive',
    );
    expect(operationTier('POST', 'postV0ManagementRestore', '/v0/management/restore')).toBe('destructive');
    expect(operationTier('POST', 'postV0ManagementOauthSessions', '/v0/management/oauth/sessions')).toBe('write');
  });
});

describe('scripts/bundle-openapi.ts', () => {
  it('inlines relative $refs (with fragments and sibling overrides) into one JSON document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
    writeFileSync(
      join(dir, 'openapi.yaml'),
      "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /v0/management/a:\n    $ref: paths/a.yaml\n",
    );
    const paths = join(dir, 'paths');
    const schemas = join(dir, 'components');
    mkdirSync(paths);
    mkdirSync(schemas);
    writeFileSync(
      join(paths, 'a.yaml'),
      'get:\n  operationId: getA\n  responses:\n    "200":\n' +
        '      $ref: ../components/common.yaml#/responses/Ok\n      description: Overridden\n',
    );
    writeFileSync(
      join(schemas, 'common.yaml'),
      'responses:\n  Ok:\n    description: OK\n    content:\n      application/json:\n        schema:\n          $ref: ./thing.yaml\n',
    );
    writeFileSync(join(schemas, 'thing.yaml'), 'type: object\nproperties:\n  child:\n    $ref: ./thing.yaml\n');
    const out = join(dir, 'out.json');
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bundle-openapi.ts', join(dir, 'openapi.yaml'), out], {
        cwd: ROOT,
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    const ok = doc.paths['/v0/management/a'].get.responses['200'];
    expect(ok.description).toBe('Overridden');
    const schema = ok.content['application/json'].schema;
    expect(schema.type).toBe('object');
    // A reference back into itself stays a reference, to a schema the bundle now holds.
    expect(schema.properties.child).toEqual({ $ref: '#/components/schemas/thing' });
    expect(doc.components.schemas.thing.type).toBe('object');
  });
});
