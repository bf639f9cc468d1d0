import { describe, expect, it } from 'vitest';
import { renderText } from '../src/render/text.js';
import { useHarness } from './support/harness.js';

const h = useHarness();
const surfaces = (o: { reply: unknown }) => `${renderText(o.reply as never)}\n${JSON.stringify(o.reply)}`;

describe('providers set', () => {
  const KEY = 'mistral-live-key-0123456789abcdef';

  it('creates a provider from a JSON body: API key masked, answered privately, stored by Plexus', async () => {
    const o = await h.run(
      `providers set mistral {"api_base_url":"https://api.mistral.ai/v1","api_key":"${KEY}",` +
        '"display_name":"Mistral","models":["mistral-large-latest","codestral-latest"]}',
    );
    expect(o.status).toBe('ok');
    expect(h.text(o)).toContain('Provider mistral created');
    expect(h.text(o)).toMatch(/API key:\s+••••cdef/);
    expect(h.text(o)).toContain('Models (2): mistral-large-latest, codestral-latest');
    expect(o.reply.private).toBe(true);
    expect(surfaces(o)).not.toContain(KEY);
    expect(h.logs.join('\n')).not.toContain(KEY);
    expect(h.writes().map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /v0/management/providers/mistral']);
    expect(h.state().providers.mistral).toMatchObject({ api_key: KEY, display_name: 'Mistral', enabled: true });
  });

  it('replacing one says what the full replacement dropped', async () => {
    const models = ['mistral-large-latest', 'codestral-latest'];
    const body = { api_base_url: 'https://api.mistral.ai/v1', api_key: KEY, display_name: 'Mistral', models };
    const created = await h.run(`providers set mistral ${JSON.stringify(body)}`);
    expect(h.text(created)).toContain('Provider mistral created');
    const o = await h.run(`providers set mistral {"api_base_url":"https://api.mistral.ai/v1","api_key":"${KEY}"}`);
    expect(h.text(o)).toContain('Provider mistral replaced');
    expect(h.text(o)).toContain('display_name: Mistral → (unset)');
    expect(h.text(o)).toContain('models: mistral-large-latest, codestral-latest → (unset)');
  });

  it('an invalid body is answered with the server’s message and field details; nothing changes', async () => {
    const before = structuredClone(h.state().providers.openai);
    const o = await h.run('providers set openai {"api_base_url":"not a url","display_name":"x"}');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('Validation failed');
    expect(h.text(o)).toContain('• api_base_url: api_base_url must be a valid URL or oauth://');
    expect(h.text(o)).toContain("• 'api_key' must be specified for provider");
    expect(h.state().providers.openai).toEqual(before);
  });

  it('refuses a missing body or a mistyped field before any request', async () => {
    expect(h.text(await h.run('providers set openai'))).toContain('`providers set` needs the provider as a JSON body.');
    expect(h.text(await h.run('providers set openai enabled=maybe {"api_base_url":"https://x.example"}'))).toContain(
      'enabled: expected true or false',
    );
    expect(h.text(await h.run('providers set openai {"enabled":"sometimes"}'))).toContain('enabled: expected true or false');
    expect(h.text(await h.run('providers set {"api_base_url":"https://x.example"}'))).toContain('missing <slug>');
    expect(h.calls()).toHaveLength(0);
  });
});

describe('providers patch', () => {
  it('changes a few fields, dotted names merge into quota_checker, and the answer is before → after', async () => {
    const checkerKey = h.state().providers.openrouter!.quota_checker!.options!.apiKey as string;
    const o = await h.run(
      'providers patch openrouter display_name="OpenRouter (shared)" quota_checker.intervalMinutes=30 stall_cooldown=true',
    );
    expect(o.status).toBe('ok');
    const text = h.text(o);
    expect(text).toContain('display_name: OpenRouter → OpenRouter (shared)');
    expect(text).toContain('stall_cooldown: false → true');
    expect(text).toContain('quota_checker.intervalMinutes: 60 → 30');
    expect(text).not.toContain('quota_checker.type');
    expect(surfaces(o)).not.toContain(checkerKey);
    expect(o.reply.private).toBeFalsy();
    const p = h.state().providers.openrouter!;
    expect(p.display_name).toBe('OpenRouter (shared)');
    expect(p.quota_checker).toMatchObject({
      type: 'openrouter',
      id: 'openrouter-credits',
      intervalMinutes: 30,
      options: { apiKey: checkerKey },
    });
  });

  it('a new API key shows as masked before → after, privately', async () => {
    const old = h.state().providers.groq!.api_key as string;
    const fresh = 'gsk_rotated_0123456789abcdefWXYZ';
    const o = await h.run(`providers patch groq api_key=${fresh}`);
    expect(h.text(o)).toContain(`api_key: ••••${old.slice(-4)} → ••••WXYZ`);
    expect(o.reply.private).toBe(true);
    for (const s of [old, fresh]) expect(surfaces(o)).not.toContain(s);
    expect(h.state().providers.groq!.api_key).toBe(fresh);
  });

  it('an unknown provider is the server’s 404', async () => {
    const o = await h.run('providers patch nope enabled=false');
    expect(h.text(o)).toContain("Provider 'nope' not found");
    expect(h.writes()).toHaveLength(0);
  });

  it('refuses unknown fields, flags and empty patches before any request', async () => {
    const unknown = await h.run('providers patch openai colour=red');
    expect(h.text(unknown)).toContain('unknown field colour=');
    expect(h.text(unknown)).toContain('Fields as name=value: display_name, api_base_url, api_key');
    expect(h.text(await h.run('providers patch openai --force enabled=false'))).toContain('takes no flag --force');
    expect(h.text(await h.run('providers patch openai'))).toContain('nothing to change');
    expect(h.text(await h.run('providers patch openai quota_checker.intervalMinutes=often'))).toContain(
      'quota_checker.intervalMinutes: expected a whole number',
    );
    expect(h.calls()).toHaveLength(0);
  });
});

describe('providers fetch-models', () => {
  const KEY = 'sk-upstream-secret-abcdef0123456789';

  it('lists the models an endpoint offers', async () => {
    const o = await h.run('providers fetch-models {"url":"https://api.openai.com/v1/models"}');
    expect(o.status).toBe('ok');
    expect(h.text(o)).toMatch(/gpt-4o-mini\s+openai/);
    expect(h.writes().map((r) => [r.path, JSON.parse(r.body)])).toEqual([
      ['/v0/management/providers/fetch-models', { url: 'https://api.openai.com/v1/models' }],
    ]);
  });

  it('shows the server refusal, and never echoes the API key given', async () => {
    const blocked = await h.run(`providers fetch-models {"url":"http://localhost:11434/v1/models","apiKey":"${KEY}"}`);
    expect(blocked.status).toBe('error');
    expect(h.text(blocked)).toContain('Cannot fetch from localhost');
    expect(JSON.parse(h.writes()[0]!.body)).toEqual({ url: 'http://localhost:11434/v1/models', apiKey: KEY });

    h.fake.failNext(
      1,
      401,
      JSON.stringify({
        error: {
          message: `Provider returned 401: invalid key ${KEY}`,
          type: 'provider_error',
          code: 401,
          details: `{"error":"bad key ${KEY}"}`,
        },
      }),
    );
    const echoed = await h.run(`providers fetch-models url=https://api.openai.com/v1/models apiKey=${KEY}`);
    expect(h.text(echoed)).toContain('Provider returned 401: invalid key ••••');
    for (const o of [blocked, echoed]) expect(surfaces(o)).not.toContain(KEY);
    expect(h.logs.join('\n')).not.toContain(KEY);
  });

  it('refuses a missing or non-http URL before any request', async () => {
    expect(h.text(await h.run('providers fetch-models'))).toContain('missing url=');
    expect(h.text(await h.run('providers fetch-models {"url":"ftp://models.example"}'))).toContain('url: expected an http(s) URL');
    expect(h.calls()).toHaveLength(0);
  });
});
