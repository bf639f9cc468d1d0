import { describe, expect, it } from 'vitest';
import { renderText } from '../src/render/text.js';
import { T0, useHarness } from './support/harness.js';

const h = useHarness({ fakeFollowsClock: true });

describe('debug on / off / status', () => {
  it('turns tracing on for one provider, answers before → after, and status shows it', async () => {
    const on = await h.run('debug on providers=groq');
    expect(on.status).toBe('ok');
    expect(h.text(on)).toContain('tracing: off → on');
    expect(h.text(on)).toContain('providers: all → groq');
    expect(h.writes().map((r) => [r.method, r.path, JSON.parse(r.body)])).toEqual([
      ['PATCH', '/v0/management/debug', { enabled: true, providers: ['groq'] }],
    ]);
    expect(h.state().debug).toMatchObject({ enabled: true, providers: ['groq'] });
    expect(h.text(await h.run('debug status'))).toMatch(/Tracing:\s+on\nProviders:\s+groq/);

    const off = await h.run('debug off');
    expect(h.text(off)).toContain('tracing: on → off');
    expect(h.state().debug).toMatchObject({ enabled: false, providers: ['groq'] });
    const cleared = await h.run('debug on providers=');
    expect(h.text(cleared)).toContain('providers: groq → all');
    expect(h.state().debug.providers).toBeNull();
    await h.run('debug off');
  });

  it('refuses a filter naming something Plexus does not have, without changing anything', async () => {
    const o = await h.run('debug on providers=groq,grok keys=nobody');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('Plexus has no provider `grok`, no key `nobody`. Nothing was changed.');
    expect(h.writes()).toHaveLength(0);
    expect(h.state().debug.enabled).toBe(false);
  });

  it('refuses bad input before any request', async () => {
    expect(h.text(await h.run('debug off now'))).toContain("does not take the extra word 'now'");
    expect(h.text(await h.run('debug toggle-self'))).toContain('missing key=');
    expect(h.text(await h.run('debug toggle-self key=web-app enabled=perhaps'))).toContain('enabled: expected true or false');
    expect(h.text(await h.run('debug logs limit=0'))).toContain('limit: must be at least 1');
    expect(h.text(await h.run('debug log x'))).toContain('expected a request id');
    expect(h.calls()).toHaveLength(0);
  });
});

describe('debug toggle-self', () => {
  it('sets one key’s own switch through ?keyName=, and off again', async () => {
    const on = await h.run('debug toggle-self key=ci-pipeline');
    expect(h.text(on)).toContain('Tracing for key ci-pipeline: on');
    const call = h.writes()[0]!;
    expect([call.method, call.path, call.query, JSON.parse(call.body)]).toEqual([
      'POST',
      '/v0/management/self/debug/toggle',
      'keyName=ci-pipeline',
      { enabled: true },
    ]);
    expect(h.state().keyTrace.has('ci-pipeline')).toBe(true);
    await h.run('debug toggle-self key=ci-pipeline enabled=false');
    expect(h.state().keyTrace.has('ci-pipeline')).toBe(false);
  });

  it('shows the server’s message for an unknown key', async () => {
    const o = await h.run('debug toggle-self key=nope');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain("Key 'nope' not found");
  });
});

describe('debug logs and one trace', () => {
  const SECRETS = ['sk-live-0123456789abcdefghij', 'provider-key-9876543210zyxw', 'hunter2-password-value', 'abcdefghijklmnopqrstuvwx'];

  it('lists traces with full ids and pages', async () => {
    const o = await h.run('debug logs limit=2');
    const newest = [...h.state().debugLogs].sort((a, b) => b.createdAt - a.createdAt);
    expect(h.text(o)).toContain(newest[0]!.requestId);
    expect(h.text(o)).toContain(newest[1]!.requestId);
    expect(h.text(o)).toContain(`Showing 1–2 of ${newest.length}. Next page: \`debug logs limit=2 offset=2\``);
  });

  it('shows a trace privately, with credentials in headers and payloads masked, in text and --json', async () => {
    h.state().debugLogs.push({
      requestId: 'feedface-1111-4222-8333-444455556666',
      createdAt: T0 - 60_000,
      rawRequest: JSON.stringify({
        model: 'fast',
        api_key: SECRETS[1],
        messages: [{ role: 'user', content: `my token is Bearer ${SECRETS[3]}` }],
      }),
      transformedRequest: null,
      rawResponse: JSON.stringify({ id: 'chatcmpl-1', choices: [{ message: { content: 'Paris is the capital.' } }] }),
      transformedResponse: null,
      rawResponseSnapshot: null,
      transformedResponseSnapshot: null,
      requestHeaders: JSON.stringify({ 'x-api-key': SECRETS[0], cookie: `session=${SECRETS[2]}`, 'user-agent': 'curl/8.5' }),
      responseHeaders: JSON.stringify({ 'content-type': 'application/json' }),
      responseStatus: 200,
      apiKey: 'web-app',
    });
    for (const line of ['debug log feedface', 'debug log feedface-1111-4222-8333-444455556666 --json']) {
      const o = await h.run(line);
      expect(o.status, line).toBe('ok');
      expect(o.reply.private, line).toBe(true);
      const out = [renderText(o.reply), JSON.stringify(o.reply)].join('\n');
      for (const s of SECRETS) expect(out.includes(s), `${line} shows ${s}`).toBe(false);
      expect(out).toContain('curl/8.5');
      expect(out).toContain('Paris is the capital.');
      expect(out).toContain('x-api-key');
    }
    expect(h.logs.join('\n')).not.toContain(SECRETS[0]);
  });

  it('an unknown id says so, naming where it looked', async () => {
    const o = await h.run('debug log 00000000-0000-4000-8000-000000000000');
    expect(h.text(o)).toContain('No debug trace has the request id `00000000-0000-4000-8000-000000000000`');
  });
});

describe('debug delete and clear', () => {
  it('deletes one trace after confirmation; it is gone afterwards', async () => {
    const target = [...h.state().debugLogs].sort((a, b) => b.createdAt - a.createdAt)[1]!;
    const asked = await h.run(`debug delete ${target.requestId.slice(0, 8)}`);
    expect(asked.status).toBe('pending');
    expect(h.text(asked)).toContain(`The trace of request \`${target.requestId}\` will be deleted`);
    expect(h.writes()).toHaveLength(0);
    expect((await h.confirm(asked.confirmationId!)).status).toBe('ok');
    expect(h.writes().map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /v0/management/debug/logs/${target.requestId}`]);
    expect(h.state().debugLogs.some((l) => l.requestId === target.requestId)).toBe(false);
    expect(h.text(await h.run(`debug log ${target.requestId}`))).toContain('No debug trace has the request id');
  });

  it('clear says how many traces go, and afterwards there are none', async () => {
    const n = h.state().debugLogs.length;
    const asked = await h.run('debug clear');
    expect(h.text(asked)).toContain(`All ${n} captured traces will be deleted`);
    const done = await h.confirm(asked.confirmationId!);
    expect(h.text(done)).toContain(`${n} traces deleted`);
    expect(h.state().debugLogs).toHaveLength(0);
    expect(h.text(await h.run('debug logs'))).toContain('No traces captured.');
  });
});
