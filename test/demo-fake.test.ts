/** The test fake: the demo gateway plus fault injection and observation. */
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { demoSeed } from '../src/demo/seed.js';
import { startFakePlexus } from './fakes/plexus.js';
import { useFakePlexus } from './support/harness.js';

const NOW = Date.parse('2026-11-26T10:00:00Z');
const fake = useFakePlexus({ seed: demoSeed(NOW), now: () => NOW });

async function call(method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH', p: string, body?: unknown) {
  const res = await request(fake.url + p, {
    method,
    headers: { 'x-admin-key': fake.adminKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, text, type: String(res.headers['content-type'] ?? '') };
}

describe('fake Plexus', () => {
  it('serves the demo gateway and records requests with query and body', async () => {
    const put = await call('PUT', '/v0/management/keys/recorded?x=1', { secret: 'sk-recorded' });
    expect(JSON.parse(put.text)).toEqual({ success: true, name: 'recorded' });
    expect(fake.gateway.state.keys.recorded?.secret).toBe('sk-recorded');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      method: 'PUT',
      path: '/v0/management/keys/recorded',
      query: 'x=1',
      body: '{"secret":"sk-recorded"}',
    });
    expect(fake.requests[0]?.headers['x-admin-key']).toBe(fake.adminKey);
  });

  it('failNext answers the next N matching requests with the given status, then recovers', async () => {
    fake.failNext(2, 503, undefined, { path: /cooldowns$/ });
    expect((await call('GET', '/v0/management/config/status')).status).toBe(200);
    const first = await call('GET', '/v0/management/cooldowns');
    expect(first).toMatchObject({ status: 503, text: '{"error":"Internal server error"}' });
    expect((await call('GET', '/v0/management/cooldowns')).status).toBe(503);
    expect((await call('GET', '/v0/management/cooldowns')).status).toBe(200);
    fake.failNext(1, 429, '{"error":"slow down"}', { method: 'POST' });
    expect((await call('GET', '/v0/management/cooldowns')).status).toBe(200);
    expect(await call('POST', '/v0/management/restart')).toMatchObject({ status: 429, text: '{"error":"slow down"}' });
  });

  it('garbage answers 200 with content that is not the expected JSON', async () => {
    fake.garbage({ path: /providers/ }, { times: 1 });
    const html = await call('GET', '/v0/management/providers');
    expect(html.status).toBe(200);
    expect(html.type).toContain('text/html');
    expect(() => JSON.parse(html.text)).toThrow();
    fake.garbage({ path: /usage/ }, { kind: 'wrong-shape' });
    const shape = JSON.parse((await call('GET', '/v0/management/usage')).text) as Record<string, unknown>;
    expect(shape.data).toBeUndefined();
    expect((await call('GET', '/v0/management/usage')).text).toContain('"unexpected"');
    expect((await call('GET', '/v0/management/providers')).status).toBe(200);
  });

  it('dropConnection destroys the socket without an answer', async () => {
    fake.dropConnection({ path: /auth\/verify/ }, 1);
    await expect(call('GET', '/v0/management/auth/verify')).rejects.toThrow();
    expect((await call('GET', '/v0/management/auth/verify')).status).toBe(200);
  });

  it('delay slows matching answers and maxInFlight sees the overlap', async () => {
    fake.delay(400, { path: /config\/status/ });
    const t0 = performance.now();
    const slow = Promise.all([1, 2, 3].map(() => call('GET', '/v0/management/config/status')));
    await expect.poll(() => fake.inFlight).toBe(3);
    // An answer the delay does not match overtakes the three held ones.
    expect((await call('GET', '/v0/management/cooldowns')).status).toBe(200);
    expect(fake.inFlight).toBe(3);
    await slow;
    expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
    expect(fake.maxInFlight).toBe(4);
  });

  it('reset clears faults, the request log and maxInFlight', async () => {
    fake.failNext(5, 500);
    await call('GET', '/v0/management/cooldowns');
    fake.reset();
    expect(fake.requests).toEqual([]);
    expect(fake.maxInFlight).toBe(0);
    expect((await call('GET', '/v0/management/cooldowns')).status).toBe(200);
  });

  it('uses a default admin key and the real clock when given no options', async () => {
    const plain = await startFakePlexus();
    try {
      expect(plain.adminKey.length).toBeGreaterThan(16);
      const res = await request(`${plain.url}/v0/management/auth/verify`, { headers: { 'x-admin-key': plain.adminKey } });
      expect(await res.body.json()).toEqual({ ok: true, role: 'admin' });
    } finally {
      await plain.close();
    }
  });
});
