import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createPlexusClient } from '../src/plexus/client.js';
import { consoleUser, slackUser, useHarness } from './support/harness.js';

const h = useHarness({
  access: [
    { platform: 'console', tier: 'destructive' },
    { platform: 'slack', channels: ['C0LLMOPS'], tier: 'read' },
    { platform: 'slack', channels: ['C0LLMOPS'], users: ['U0ADMIN'], tier: 'destructive' },
  ],
  ttlSeconds: 60,
});

describe('bad input is refused before any request', () => {
  it('an unknown command names the closest ones', async () => {
    const o = await h.run('provders lst');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('Unknown command `provders lst`');
    expect(h.text(o)).toContain('`providers list`');
    expect(h.calls()).toHaveLength(0);
  });

  it('a missing argument gives the usage line', async () => {
    const o = await h.run('providers get');
    expect(h.text(o)).toContain('`providers get`: missing <slug>');
    expect(h.text(o)).toContain('Usage: providers get <slug>');
    expect(h.calls()).toHaveLength(0);
  });

  it('a bad value says what is wrong and what would be right', async () => {
    const o = await h.run('usage list limit=lots');
    expect(h.text(o)).toContain('limit: expected a whole number');
    expect(h.text(o)).toContain('Usage: usage list');
    const range = await h.run('usage summary range=year');
    expect(h.text(range)).toContain('expected hour, day, week or month');
    expect(h.calls()).toHaveLength(0);
  });

  it('an unknown option and an extra word are named', async () => {
    expect(h.text(await h.run('providers list colour=red'))).toContain('unknown option colour=');
    expect(h.text(await h.run('providers get openai extra'))).toContain("does not take the extra word 'extra'");
    expect(h.calls()).toHaveLength(0);
  });

  it('a broken JSON body is refused with the parser message', async () => {
    const o = await h.run('keys create x {"comment": }');
    expect(h.text(o)).toContain('The JSON body is not valid JSON');
    expect(h.calls()).toHaveLength(0);
  });
});

describe('access', () => {
  it('refuses a tier above the grant, says which tier is needed, and sends nothing', async () => {
    const o = await h.run('providers disable openai', slackUser('U0BOB'));
    expect(o.status).toBe('denied');
    expect(h.text(o)).toContain('needs the write tier; you have the read tier in this channel');
    expect(h.calls()).toHaveLength(0);
  });

  it('refuses everything in a channel no rule names, without revealing data', async () => {
    const o = await h.run('keys list', slackUser('U0BOB', 'C0RANDOM'));
    expect(o.status).toBe('denied');
    expect(h.text(o)).toContain('you have no access in this channel');
    expect(h.text(o)).not.toContain('web-app');
    expect(h.calls()).toHaveLength(0);
  });

  it('help lists only what the caller may run', async () => {
    const reader = h.text(await h.run('help', slackUser('U0BOB')));
    expect(reader).toMatch(/^providers:\s+list, get$/m);
    expect(reader).toMatch(/more commands? need/);
    const admin = h.text(await h.run('help', slackUser('U0ADMIN')));
    expect(admin).toMatch(/^providers:\s+list, get, .*delete/m);
  });
});

describe('confirmation of destructive commands', () => {
  it('says what will be lost, and only the requester can confirm, once', async () => {
    const admin = slackUser('U0ADMIN');
    const asked = await h.run('providers delete groq', admin);
    expect(asked.status).toBe('pending');
    expect(h.text(asked)).toMatch(/Provider `groq` .* will be deleted/);
    expect(h.text(asked)).toMatch(/alias targets? will be left pointing at a missing provider/);
    expect(asked.reply.actions?.map((a) => a.id.split(':')[0])).toEqual(['confirm', 'cancel']);
    expect(h.fake.requests.some((r) => r.method === 'DELETE')).toBe(false);

    const other = await h.app.pipeline.confirm(asked.confirmationId!, slackUser('U0BOB'));
    expect(h.text(other)).toContain('Only the person who asked');
    expect(h.fake.requests.some((r) => r.method === 'DELETE')).toBe(false);

    const [first, second] = await Promise.all([
      h.app.pipeline.confirm(asked.confirmationId!, admin),
      h.app.pipeline.confirm(asked.confirmationId!, admin),
    ]);
    expect(first.status).toBe('ok');
    expect(h.text(second)).toContain('already confirmed');
    expect(h.fake.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    expect(h.text(await h.run('providers get groq'))).toContain("Provider 'groq' not found");
  });

  it('runs nothing after expiry', async () => {
    const asked = await h.run('keys delete alice-dev');
    expect(asked.status).toBe('pending');
    h.clock.advance(61_000);
    const late = await h.app.pipeline.confirm(asked.confirmationId!, consoleUser);
    expect(late.status).toBe('error');
    expect(h.text(late)).toContain('expired');
    expect(h.fake.requests.some((r) => r.method === 'DELETE')).toBe(false);
    expect(h.text(await h.run('keys list'))).toContain('alice-dev');
  });

  it('cancel changes nothing and a later confirm is refused', async () => {
    const asked = await h.run('keys delete support-bot');
    const cancelled = await h.app.pipeline.cancel(asked.confirmationId!, consoleUser);
    expect(cancelled.status).toBe('cancelled');
    expect(h.text(cancelled)).toContain('Nothing was changed');
    const after = await h.app.pipeline.confirm(asked.confirmationId!, consoleUser);
    expect(h.text(after)).toContain('already cancelled');
    expect(h.fake.requests.some((r) => r.method === 'DELETE')).toBe(false);
  });

  it('an unknown id (e.g. after a restart) runs nothing and says why', async () => {
    const o = await h.app.pipeline.confirm('no-such-id', consoleUser);
    expect(h.text(o)).toContain('not known');
  });
});

describe('writes', () => {
  it('answer with before -> after and emit one audit line with the outcome', async () => {
    const before = h.logs.length;
    const o = await h.run('providers disable openrouter');
    expect(o.status).toBe('ok');
    expect(h.text(o)).toContain('enabled: yes → no');
    expect(h.text(await h.run('providers list'))).toMatch(/openrouter\s+no/);
    const audits = h.logs
      .slice(before)
      .map((l) => JSON.parse(l))
      .filter((l) => l.audit);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      platform: 'console',
      user: 'alice',
      channel: 'console',
      command: 'providers disable openrouter',
      outcome: 'ok',
      tier: 'write',
    });
    expect(typeof audits[0].durationMs).toBe('number');
    await h.run('providers enable openrouter');
  });

  it('keys create shows the generated secret once, privately, and keys list masks it', async () => {
    const o = await h.run('keys create ci-nightly comment="nightly evals" quotas=requests-daily');
    expect(o.status).toBe('ok');
    expect(o.reply.private).toBe(true);
    const secret = /sk-plexus-[0-9a-f]{48}/.exec(h.text(o))?.[0];
    expect(secret).toBeDefined();
    const list = h.text(await h.run('keys list'));
    expect(list).toContain('ci-nightly');
    expect(list).not.toContain(secret!);
    expect(list).toContain(secret!.slice(-4));
    expect(h.logs.join('\n')).not.toContain(secret!);
    const again = await h.run('keys create ci-nightly');
    expect(h.text(again)).toContain('already exists');
  });
});

describe('Plexus failures become clear replies', () => {
  it('a GET answered 503 is retried; a write answered 503 is not', async () => {
    h.fake.failNext(2, 503);
    const o = await h.run('cooldowns list');
    expect(o.status).toBe('ok');
    expect(h.calls().filter((r) => r.method === 'GET')).toHaveLength(3);
    h.fake.reset();
    expect(h.state().providers.groq!.enabled).toBe(true);
    h.fake.failNext(1, 503, undefined, { method: 'PATCH' });
    const w = await h.run('providers disable groq');
    expect(w.status).toBe('error');
    expect(h.text(w)).toContain('Plexus refused the request');
    expect(h.text(w)).toContain('Internal server error');
    expect(h.calls('PATCH').map((r) => r.path)).toEqual(['/v0/management/providers/groq']);
    expect(h.state().providers.groq!.enabled).toBe(true);
  });

  it('a server 4xx is shown with the server message', async () => {
    const o = await h.run('providers get nope');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain("Provider 'nope' not found");
  });

  it('a 500, garbage, a dropped connection and a timeout each name what failed', async () => {
    h.fake.failNext(1, 500, '{"error":"Internal server error"}', { method: 'GET' });
    const e500 = await h.run('keys list');
    expect(h.text(e500)).toContain('Internal server error');
    h.fake.reset();
    h.fake.garbage();
    const junk = await h.run('keys list');
    expect(junk.status).toBe('error');
    expect(h.text(junk)).toMatch(/does not understand|Unexpected answer/);
    h.fake.reset();
    h.fake.dropConnection(undefined, 10);
    const dropped = await h.run('keys list');
    expect(h.text(dropped)).toContain('Cannot reach Plexus');
    h.fake.reset();
    h.fake.delay(5000);
    const slow = await h.run('cooldowns list');
    expect(h.text(slow)).toMatch(/did not answer/);
    h.fake.reset();
    const after = await h.run('cooldowns list');
    expect(after.status).toBe('ok');
  });

  it('an unreachable Plexus is named, with its address', async () => {
    const plexus = createPlexusClient({
      baseUrl: 'http://127.0.0.1:9',
      adminKey: 'k'.repeat(20),
      retries: 1,
      retryMinMs: 1,
      logger: h.logger,
    });
    const app = createApp({ config: { ...loadConfig({}), access: null }, plexus, logger: h.logger, clock: h.clock });
    const o = await app.pipeline.handle({ actor: consoleUser, text: 'providers list' });
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('Cannot reach Plexus at http://127.0.0.1:9');
    await plexus.close();
  });
});

describe('a line that carries a secret is answered privately, whatever the outcome', () => {
  it('success and failure alike; a key name is not a secret', async () => {
    const ok = await h.run('keys set ci-secret-test secret=sk-test-0123456789abcdefghijkl comment=x');
    expect(ok.reply.private).toBe(true);
    const failed = await h.run('providers patch nope api_key=sk-live-0123456789abcdef');
    expect(failed.status).toBe('error');
    expect(failed.reply.private).toBe(true);
    expect(h.text(failed)).not.toContain('sk-live-0123456789abcdef');
    const body = await h.run('providers set nope2 {"api_base_url": "not a url", "api_key": "sk-body-0123456789abcdef"}');
    expect(body.reply.private).toBe(true);
    const plain = await h.run('usage list key=web-app limit=1');
    expect(plain.reply.private).toBeFalsy();
    const audit = h.logs.map((l) => JSON.parse(l)).filter((l) => l.audit && String(l.command).startsWith('keys set ci-secret-test'));
    expect(audit[0].command).not.toContain('sk-test-0123456789abcdefghijkl');
  });
});
