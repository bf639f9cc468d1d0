import { describe, expect, it } from 'vitest';
import { commands } from '../src/commands/index.js';
import { catalog } from '../src/core/catalog.js';
import { demoSecrets } from '../src/demo/seed.js';
import { consoleAllSlackRead, slackUser, useHarness } from './support/harness.js';

const h = useHarness({ access: consoleAllSlackRead });
const settings = () => h.fake.gateway.state.settings;

describe('settings', () => {
  it('get lists the stored settings', async () => {
    const t = h.text(await h.run('settings get'));
    expect(t).toContain('timeout.defaultSeconds:   120');
    expect(t).toContain('failover.retryableErrors: ECONNREFUSED, ETIMEDOUT, ENOTFOUND, ConnectionRefused');
  });

  it('set sends name=value as text (and says so) and a JSON body typed, with before → after', async () => {
    const text = await h.run('settings set custom.note=42');
    expect(h.text(text)).toContain('custom.note: — → 42');
    expect(h.text(text)).toContain('stored as text');
    expect(settings()['custom.note']).toBe('42');
    const typed = await h.run('settings set {"default_quotas":["requests-daily"],"custom.note":42}');
    expect(h.text(typed)).toContain('default_quotas: — → requests-daily');
    expect(h.text(typed)).not.toContain('stored as text');
    expect(settings().default_quotas).toEqual(['requests-daily']);
    expect(settings()['custom.note']).toBe(42);
    await h.run('settings set {"default_quotas":null}');
  });

  it("renders Plexus' 400 for an unknown default quota, and refuses an empty set before any request", async () => {
    const o = await h.run('settings set {"default_quotas":["nope"]}');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain("Unknown quota name(s) in 'default_quotas': nope");
    expect(settings().default_quotas).toBeNull();
    h.fake.reset();
    expect(h.text(await h.run('settings set'))).toContain('nothing to set');
    expect(h.calls()).toHaveLength(0);
  });
});

describe('config status, show and export', () => {
  it('status counts the running config', async () => {
    const t = h.text(await h.run('config status'));
    expect(t).toMatch(/Providers:\s+5/);
    expect(t).toMatch(/MCP servers:\s+3/);
  });

  it('show summarises names and settings; --json masks every secret', async () => {
    const secrets = demoSecrets(h.fake.gateway.state);
    const t = h.text(await h.run('config show'));
    expect(t).toContain('Providers:               5: openai, anthropic, openrouter, groq, azure-eu (disabled: azure-eu)');
    expect(t).toContain('Cooldown:                initialMinutes=2, maxMinutes=300');
    expect(t).toContain('398 values: 100–199, 300–412, 414–421, 423–599');
    const json = h.text(await h.run('config show --json'));
    expect(json).toContain('"api_key": "••••');
    expect(json).toContain('"secret": "••••');
    for (const s of secrets) {
      expect(t).not.toContain(s);
      expect(json).not.toContain(s);
    }
  });

  it('export is a private file, never inline', async () => {
    const secrets = demoSecrets(h.fake.gateway.state);
    const o = await h.run('config export');
    expect(o.status).toBe('ok');
    expect(o.reply.private).toBe(true);
    expect(o.reply.file?.name).toMatch(/^plexus-config-2026-11-26T12-00-00Z\.json$/);
    const file = JSON.parse(o.reply.file!.content!.toString('utf8'));
    expect(Object.keys(file.keys)).toContain('web-app');
    expect(secrets.some((s) => o.reply.file!.content!.toString('utf8').includes(s))).toBe(true);
    const shown = h.text(o) + JSON.stringify(o.reply.blocks);
    for (const s of secrets) expect(shown).not.toContain(s);
  });
});

describe('config sections: read without values, write with them', () => {
  it('reads a section with its defaults', async () => {
    const t = h.text(await h.run('config cooldown'));
    expect(t).toContain('initialMinutes: 2');
    expect(t).toContain('maxMinutes:     300');
    expect(h.calls().map((r) => r.method)).toEqual(['GET']);
  });

  it('writes with name=value, coerced by the schema, and shows before → after', async () => {
    const o = await h.run('config cooldown initialMinutes=0.5 maxMinutes=60');
    expect(o.status).toBe('ok');
    expect(h.text(o)).toContain('initialMinutes: 2 → 0.5');
    expect(h.text(o)).toContain('maxMinutes: 300 → 60');
    expect(settings()['cooldown.initialMinutes']).toBe(0.5);
    expect(JSON.parse(h.fake.requests.find((r) => r.method === 'PATCH')!.body)).toEqual({ initialMinutes: 0.5, maxMinutes: 60 });
    const stall = await h.run('config stall ttfbSeconds=20 stallCooldown=yes');
    expect(h.text(stall)).toContain('ttfbSeconds: — → 20');
    expect(h.text(stall)).toContain('stallCooldown: false → true');
    const failover = await h.run('config failover retryableStatusCodes=429,502,503');
    expect(h.text(failover)).toContain('retryableStatusCodes: 398 values: 100–199, 300–412, 414–421, 423–599 → 429, 502, 503');
    const vision = await h.run('config vision-fallthrough {"enabled":true,"model":"smart"}');
    expect(h.text(vision)).toContain('enabled: — → true');
    expect(settings().vision_fallthrough).toEqual({ enabled: true, model: 'smart' });
  });

  it("the server's plain-string range error reaches the user and nothing changes", async () => {
    const before = settings()['cooldown.initialMinutes'];
    const o = await h.run('config cooldown initialMinutes=0.01');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('initialMinutes must be at least 0.1');
    const timeout = await h.run('config timeout defaultSeconds=9000');
    expect(h.text(timeout)).toContain('defaultSeconds must be an integer between 1 and 3600');
    expect(settings()['cooldown.initialMinutes']).toBe(before);
  });

  it('refuses non-numbers and unknown fields before any request', async () => {
    expect(h.text(await h.run('config cooldown initialMinutes=soon'))).toContain('initialMinutes: expected a number');
    expect(h.text(await h.run('config cooldown minutes=3'))).toContain('unknown option minutes=');
    expect(h.text(await h.run('config timeout defaultSeconds=1.5'))).toContain('expected a whole number');
    expect(h.calls()).toHaveLength(0);
  });

  it('a reader may read a section but not write it; the write is not sent', async () => {
    const reader = slackUser('U0READER');
    expect((await h.run('config timeout', reader)).status).toBe('ok');
    const denied = await h.run('config timeout defaultSeconds=30', reader);
    expect(denied.status).toBe('denied');
    expect(h.text(denied)).toContain('`config timeout` needs the write tier; you have the read tier');
    expect(h.calls().some((r) => r.method === 'PATCH')).toBe(false);
    expect(h.text(await h.run('help config timeout', reader))).toContain('PATCH /v0/management/config/timeout (write)');
  });

  it('the catalogue lists each method of a section with the tier it needs', () => {
    const entries = catalog(commands).filter((e) => e.command === 'config cooldown');
    expect(entries).toEqual([
      { command: 'config cooldown', tier: 'read', private: false, method: 'GET', path: '/v0/management/config/cooldown' },
      { command: 'config cooldown', tier: 'write', private: false, method: 'PATCH', path: '/v0/management/config/cooldown' },
    ]);
  });
});
