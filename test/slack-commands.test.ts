import { afterEach, describe, expect, it } from 'vitest';
import { startSlack } from '../adapters/slack/index.js';
import { createLogger } from '../src/log.js';
import { ALICE, BOB, OPS, SIGNING_SECRET, startSlackHarness, type SlackHarness } from './fakes/slack-harness.js';
import { postSigned, signature, slashCommandFields } from './fakes/slack-signer.js';
import { messageText } from './fakes/slack-validate.js';

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const body = (p: { body: Record<string, unknown> }) => messageText(p.body);

describe('Slack over HTTP: /plexus', () => {
  it('acks at once while Plexus takes 10 s, says it is working, then delivers the outcome', async () => {
    h = await startSlackHarness({ plexusTimeoutMs: 150, workingNoticeMs: 100 });
    h.plexus.delay(10_000);
    const sent = await h.command('providers list');
    expect(sent.status).toBe(200);
    // The ack did not wait for the command: its outcome comes after it (the working notice may already be out).
    expect(h.posts(sent.hook).filter((p) => !body(p).includes('Working on'))).toEqual([]);
    const [working, answer] = await h.waitPosts(sent.hook, 2);
    expect(body(working!)).toContain('Working on `providers list`');
    expect(working!.body.response_type).toBe('ephemeral');
    expect(answer!.body.response_type).toBe('ephemeral');
    expect(body(answer!)).toMatch(/Plexus unreachable|did not answer/i);
  });

  it('delivers the real answer after the ack when Plexus is slow but answers', async () => {
    h = await startSlackHarness({ workingNoticeMs: 5000 });
    h.plexus.delay(1200, { path: /providers$/ });
    const sent = await h.command('providers list');
    expect(sent.status).toBe(200);
    expect(h.posts(sent.hook)).toEqual([]);
    const [answer] = await h.waitPosts(sent.hook);
    expect(body(answer!)).toContain('anthropic');
    expect(h.posts(sent.hook)).toHaveLength(1);
  });

  it('refuses a bad signature, an old timestamp and a tampered body with 401, and runs nothing', async () => {
    h = await startSlackHarness();
    const form = (text: string) =>
      new URLSearchParams(slashCommandFields({ text, user: ALICE, channel: OPS, responseUrl: h!.slack.hook(OPS, ALICE) })).toString();
    const good = form('providers list');
    const bad = await postSigned(h.eventsUrl, 'not-the-secret', good);
    const old = await postSigned(h.eventsUrl, SIGNING_SECRET, good, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const tampered = await postSigned(h.eventsUrl, SIGNING_SECRET, form('providers delete openai'), { signedBody: good });
    const unsigned = await postSigned(h.eventsUrl, SIGNING_SECRET, good, { signature: '' });
    expect([bad.status, old.status, tampered.status, unsigned.status]).toEqual([401, 401, 401, 401]);
    // A valid request afterwards is answered, and it is the only thing that reached Plexus or Slack.
    const ok = await h.command('whoami');
    await h.waitPosts(ok.hook);
    expect(h.slack.hookPosts.map((p) => p.hook)).toEqual([ok.hook.split('/').pop()]);
    expect(h.plexus.requests.every((r) => r.method === 'GET' && /auth\/verify|self\/me/.test(r.path))).toBe(true);
    expect(signature('s', 1, 'b')).toMatch(/^v0=[0-9a-f]{64}$/);
  });

  it('answers reads privately, and in the channel with --public', async () => {
    h = await startSlackHarness();
    const quiet = await h.command('providers list');
    const loud = await h.command('providers list --public');
    const [q] = await h.waitPosts(quiet.hook);
    const [l] = await h.waitPosts(loud.hook);
    expect(q!.body.response_type).toBe('ephemeral');
    expect(l!.body.response_type).toBe('in_channel');
    expect(body(l!)).toContain('openrouter');
  });

  it('posts a change in the channel, saying who made it', async () => {
    h = await startSlackHarness();
    const sent = await h.command('providers disable openai');
    const [p] = await h.waitPosts(sent.hook);
    expect(p!.body.response_type).toBe('in_channel');
    expect(body(p!)).toContain('<@U0ALICE>');
    expect(h.plexus.requests.some((r) => r.method === 'PATCH' && r.path.endsWith('/providers/openai'))).toBe(true);
  });

  it('never lets a private answer reach a channel, even with --public', async () => {
    h = await startSlackHarness();
    const sent = await h.command('keys create ci-runner comment="CI runner" --public');
    const [p] = await h.waitPosts(sent.hook);
    const secret = /sk-[A-Za-z0-9_-]{20,}/.exec(body(p!))?.[0];
    expect(secret).toBeDefined();
    expect(p!.body.response_type).toBe('ephemeral');
    const seen = h.slack.seen();
    expect(seen.filter((s) => messageText(s).includes(secret!)).every((s) => s.visibility === 'requester')).toBe(true);
    expect(seen.filter((s) => s.visibility === 'channel')).toEqual([]);
    expect(h.slack.calls.filter((c) => JSON.stringify(c.args).includes(secret!))).toEqual([]);
    expect(h.logs.join('\n')).not.toContain(secret);
  });

  it('tells someone without access which tier the command needs', async () => {
    h = await startSlackHarness();
    const sent = await h.command('providers disable openai', { user: BOB });
    const [p] = await h.waitPosts(sent.hook);
    expect(p!.body.response_type).toBe('ephemeral');
    expect(body(p!)).toContain('needs the write tier; you have the read tier in this channel');
    expect(h.plexus.requests.some((r) => r.method === 'PATCH')).toBe(false);
  });

  it('treats a direct message as `dm` for the access rules', async () => {
    h = await startSlackHarness();
    const alice = await h.command('whoami', { channel: 'D0ALICE' });
    const bob = await h.command('whoami', { user: BOB, channel: 'D0BOB' });
    expect(body((await h.waitPosts(alice.hook))[0]!)).toMatch(/Here:\s+direct messages/);
    expect(body((await h.waitPosts(bob.hook))[0]!)).toContain('no access in direct messages');
  });

  it("answers GET /healthz with 200, and Slack's URL verification with the challenge", async () => {
    h = await startSlackHarness();
    const res = await fetch(`http://127.0.0.1:${h.handle.port}/healthz`);
    expect(res.status).toBe(200);
    const check = await postSigned(
      h.eventsUrl,
      SIGNING_SECRET,
      JSON.stringify({ token: 't', challenge: 'c4ll3ng3', type: 'url_verification' }),
      { contentType: 'application/json' },
    );
    expect(check.status).toBe(200);
    expect(check.body).toContain('c4ll3ng3');
  });
});

describe('Slack user groups', () => {
  const access = [{ platform: 'slack' as const, channels: [OPS], groups: ['S0PLATFORM'], tier: 'write' as const }];

  it('grants by user group, caches the groups for a short time, and degrades to none when Slack refuses', async () => {
    h = await startSlackHarness({ access, groupsTtlMs: 60_000 });
    h.slack.usergroups.push({ id: 'S0PLATFORM', handle: 'platform', users: ['U0CAROL'] });
    const carol = await h.command('providers disable openai', { user: 'U0CAROL' });
    expect(body((await h.waitPosts(carol.hook))[0]!)).toContain('enabled: yes → no');
    const dave = await h.command('providers disable anthropic', { user: 'U0DAVE' });
    expect(body((await h.waitPosts(dave.hook))[0]!)).toContain('needs the write tier; you have no access in this channel');
    expect(h.slack.callsTo('usergroups.list')).toHaveLength(1);
    expect(h.slack.callsTo('usergroups.list')[0]!.args.include_users).toBe('true');

    // After the TTL the groups are read again; a failure means no groups, logged, and no crash.
    h.clock.advance(61_000);
    h.slack.failNext('usergroups.list', 'missing_scope');
    const again = await h.command('providers enable openai', { user: 'U0CAROL' });
    expect(body((await h.waitPosts(again.hook))[0]!)).toContain('you have no access in this channel');
    expect(h.logs.join('\n')).toContain('missing_scope');
    h.clock.advance(11_000);
    const later = await h.command('providers enable openai', { user: 'U0CAROL' });
    expect(body((await h.waitPosts(later.hook))[0]!)).toContain('enabled: no → yes');
  });
});

describe('starting', () => {
  it('checks the bot token with auth.test at SLACK_API_URL and refuses to start with a wrong one', async () => {
    h = await startSlackHarness();
    expect(h.slack.callsTo('auth.test')[0]!.token).toBe(h.slack.botToken);
    const config = { ...h.config, slack: { ...h.config.slack!, botToken: 'xoxb-wrong' } };
    const logger = createLogger({ level: 'silent', secrets: () => [] });
    await expect(
      startSlack({ app: h.app, config, logger, port: 0, host: '127.0.0.1', clientOptions: { retryConfig: { retries: 0 } } }),
    ).rejects.toThrow(/invalid_auth/);
  });
});
