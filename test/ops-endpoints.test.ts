/**
 * /healthz, /readyz and /metrics of a real bot (wireBot + startChat) over the
 * Slack, Discord and Plexus fakes, and REPLICA_ID on every log line.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type BotConfig } from '../src/config.js';
import { systemClock } from '../src/core/clock.js';
import { createLogger } from '../src/log.js';
import { BotMetrics } from '../src/ops/index.js';
import { createPlexusClient } from '../src/plexus/client.js';
import { startChat, wireBot, type Chat } from '../src/wiring.js';
import { startFakeDiscord, type FakeDiscord } from './fakes/discord-fake.js';
import { startFakePlexus, type FakePlexus } from './fakes/plexus.js';
import { startFakeSlack, type FakeSlack } from './fakes/slack-api.js';
import { postSigned, slashCommandFields } from './fakes/slack-signer.js';

const SIGNING_SECRET = 'ops-endpoints-signing-secret-71c2';
const OPS = 'C0LLMOPS';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';

let plexus: FakePlexus;
let slack: FakeSlack;
let discord: FakeDiscord;

beforeAll(async () => {
  [plexus, slack, discord] = await Promise.all([startFakePlexus(), startFakeSlack(), startFakeDiscord()]);
});

afterAll(async () => {
  await Promise.all([plexus.close(), slack.close(), discord.close()]);
});

interface Running {
  chat: Chat;
  logs: string[];
  replica: string;
  url(path: string): string;
  /** A signed /plexus command; resolves with what was posted to its response_url. */
  command(text: string, user?: string): Promise<unknown>;
}

const open: Running[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.chat.stop();
  plexus.reset();
});

async function startBot(platform: 'slack' | 'socket' | 'discord'): Promise<Running> {
  const replica = `ops-test-${platform}-${Math.random().toString(36).slice(2, 8)}`;
  const logs: string[] = [];
  const secrets = () => [plexus.adminKey, slack.botToken, SIGNING_SECRET, discord.token];
  const logger = createLogger({ level: 'debug', secrets, replica, destination: { write: (l: string) => void logs.push(l) } });
  const config: BotConfig = {
    ...loadConfig({ REPLICA_ID: replica, STATE_DIR: mkdtempSync(join(tmpdir(), 'plexus-ops-')) }),
    port: 0,
    plexus: { baseUrl: plexus.url, adminKey: plexus.adminKey, concurrency: 4, timeoutMs: 2000 },
    access: [
      { platform: 'slack', channels: [OPS], users: [ALICE], tier: 'destructive' },
      { platform: 'slack', channels: [OPS], tier: 'read' },
    ],
    ...(platform === 'slack'
      ? { slack: { botToken: slack.botToken, signingSecret: SIGNING_SECRET, apiUrl: slack.apiUrl } }
      : platform === 'socket'
        ? { slack: { botToken: slack.botToken, appToken: slack.appToken, apiUrl: slack.apiUrl } }
        : { discord: { token: discord.token, applicationId: discord.applicationId, guildId: discord.guild.id, apiUrl: discord.apiUrl } }),
  };
  expect(config.replicaId).toBe(replica);
  const metrics = new BotMetrics({ replica });
  const client = createPlexusClient({
    baseUrl: plexus.url,
    adminKey: plexus.adminKey,
    logger,
    retryMinMs: 1,
    timeoutMs: 2000,
    onCall: metrics.onPlexusCall,
  });
  const bot = wireBot({ config, plexus: client, logger, clock: systemClock, metrics });
  const chat = await startChat(bot, config, logger);
  const stop = chat.stop;
  chat.stop = async () => {
    await stop();
    await client.close();
  };
  expect(chat.port).toBeGreaterThan(0);
  const url = (path: string) => `http://127.0.0.1:${chat.port}${path}`;
  const command = async (text: string, user = ALICE) => {
    const hook = slack.hook(OPS, user);
    const body = new URLSearchParams(slashCommandFields({ text, user, channel: OPS, responseUrl: hook })).toString();
    const res = await postSigned(url('/slack/events'), SIGNING_SECRET, body);
    expect(res.status).toBe(200);
    const post = await slack.waitFor(() => slack.hookPosts.find((p) => hook.endsWith(`/hooks/${p.hook}`)), 10_000);
    return post.body;
  };
  const running = { chat, logs, replica, url, command };
  open.push(running);
  return running;
}

const readyz = async (r: Running) => {
  const res = await fetch(r.url('/readyz'));
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, any> };
};
const metricsText = async (r: Running) => {
  const res = await fetch(r.url('/metrics'));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
};
/** The value of one sample line (`name{labels} value`), or undefined when absent. */
const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('Slack over HTTP serves /readyz and /metrics beside /slack/events', () => {
  it('/readyz is 200 while Plexus answers, 503 naming plexus while it fails, 200 again once it recovers', async () => {
    const bot = await startBot('slack');
    const up = await readyz(bot);
    expect(up.status).toBe(200);
    expect(up.type).toContain('application/json');
    expect(up.body).toMatchObject({ ready: true, replica: bot.replica, checks: { store: { ok: true }, plexus: { ok: true } } });

    plexus.failNext(1000, 500, undefined, { path: /\/config\/status$/ });
    const down = await readyz(bot);
    expect(down.status).toBe(503);
    expect(down.body.ready).toBe(false);
    expect(down.body.replica).toBe(bot.replica);
    expect(down.body.checks.store.ok).toBe(true);
    expect(down.body.checks.plexus.ok).toBe(false);
    expect(down.body.checks.plexus.error).toMatch(/500/);
    expect(JSON.stringify(down.body)).not.toContain(plexus.adminKey);

    plexus.reset();
    const again = await readyz(bot);
    expect(again.status).toBe(200);
    expect(again.body.ready).toBe(true);

    const health = await fetch(bot.url('/healthz'));
    expect(health.status).toBe(200);
  }, 20_000);

  it('/readyz says why when Plexus does not answer at all, without the admin key', async () => {
    const bot = await startBot('slack');
    plexus.dropConnection({ path: /\/config\/status$/ });
    const down = await readyz(bot);
    expect(down.status).toBe(503);
    expect(down.body.checks.plexus).toMatchObject({ ok: false });
    expect(down.body.checks.plexus.error).toMatch(/UPSTREAM_DOWN|no answer/);
    expect(JSON.stringify(down.body)).not.toContain(plexus.adminKey);
  }, 20_000);

  it('/metrics counts commands by name and outcome, their latency, and Plexus calls by route template and status', async () => {
    const bot = await startBot('slack');
    await bot.command('cooldowns list');
    await bot.command('cooldowns list');
    await bot.command('frobnicate everything');
    await bot.command('cooldowns clear groq');
    plexus.failNext(1, 500, undefined, { path: /\/management\/cooldowns$/ });
    await bot.command('cooldowns list');

    const text = await metricsText(bot);
    expect(sample(text, 'plexus_chatops_commands_total{command="cooldowns list",outcome="ok"}')).toBe(2);
    expect(sample(text, 'plexus_chatops_commands_total{command="cooldowns list",outcome="error"}')).toBe(1);
    expect(sample(text, 'plexus_chatops_commands_total{command="(none)",outcome="error"}')).toBe(1);
    expect(sample(text, 'plexus_chatops_commands_total{command="cooldowns clear",outcome="ok"}')).toBe(1);
    expect(sample(text, 'plexus_chatops_command_duration_seconds_count{command="cooldowns list"}')).toBe(3);
    expect(sample(text, 'plexus_chatops_command_duration_seconds_bucket{le="+Inf",command="cooldowns list"}')).toBe(3);
    // Both `cooldowns list` and `cooldowns clear` read the list first.
    expect(sample(text, 'plexus_chatops_plexus_calls_total{method="GET",route="/v0/management/cooldowns",status="200"}')).toBe(3);
    expect(sample(text, 'plexus_chatops_plexus_calls_total{method="GET",route="/v0/management/cooldowns",status="500"}')).toBe(1);
    expect(
      sample(text, 'plexus_chatops_plexus_calls_total{method="DELETE",route="/v0/management/cooldowns/{provider}",status="200"}'),
    ).toBe(1);
    expect(text).not.toContain('groq');
    expect(text).not.toContain(plexus.adminKey);
    expect(sample(text, 'plexus_chatops_leader')).toBe(1);
    expect(sample(text, `plexus_chatops_replica_info{replica="${bot.replica}"}`)).toBe(1);
    expect(sample(text, 'plexus_chatops_queue_depth{queue="plexus"}')).toBe(0);
    expect(sample(text, 'plexus_chatops_queue_depth{queue="delivery"}')).toBe(0);
  }, 30_000);

  it('every log line of a run carries replica, the audit line included', async () => {
    const bot = await startBot('slack');
    await bot.command('cooldowns clear groq');
    await bot.command('cooldowns clear groq', BOB);
    await fetch(bot.url('/readyz'));
    const lines = bot.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line.replica, JSON.stringify(line)).toBe(bot.replica);
    const audits = lines.filter((l) => l.audit === true);
    expect(audits.map((a) => [a.user, a.outcome])).toEqual(
      expect.arrayContaining([
        [ALICE, 'ok'],
        [BOB, 'denied'],
      ]),
    );
    for (const a of audits) expect(a.replica).toBe(bot.replica);
  }, 30_000);
});

describe('Discord only: a listener of its own on PORT', () => {
  it('serves /healthz, /readyz and /metrics, and nothing else', async () => {
    const bot = await startBot('discord');
    expect(bot.chat.platforms.some((p) => p.startsWith('HTTP on port'))).toBe(true);
    const health = await fetch(bot.url('/healthz'));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const ready = await readyz(bot);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ ready: true, replica: bot.replica, checks: { plexus: { ok: true } } });
    plexus.failNext(1000, 503, undefined, { path: /\/config\/status$/ });
    const down = await readyz(bot);
    expect(down.status).toBe(503);
    expect(down.body.checks.plexus.ok).toBe(false);
    plexus.reset();
    const text = await metricsText(bot);
    expect(sample(text, 'plexus_chatops_leader')).toBe(1);
    expect(text).toMatch(/plexus_chatops_plexus_calls_total\{method="GET",route="\/v0\/management\/config\/status",status="503"\} \d+/);
    expect((await fetch(bot.url('/slack/events'))).status).toBe(404);
    expect((await fetch(bot.url('/metrics'), { method: 'POST' })).status).toBe(405);
  }, 30_000);

  it('stops the listener and the leader gauge with the bot', async () => {
    const bot = await startBot('discord');
    const port = bot.chat.port;
    await bot.chat.stop();
    open.splice(open.indexOf(bot), 1);
    const after = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(after).toBe('refused');
  }, 30_000);
});

describe('Slack in Socket Mode: a listener of its own on PORT', () => {
  it('serves /healthz, /readyz and /metrics', async () => {
    const bot = await startBot('socket');
    expect(bot.chat.platforms).toContain('Slack (Socket Mode)');
    expect((await fetch(bot.url('/healthz'))).status).toBe(200);
    const ready = await readyz(bot);
    expect(ready.status).toBe(200);
    expect(ready.body.replica).toBe(bot.replica);
    expect(sample(await metricsText(bot), 'plexus_chatops_leader')).toBe(1);
  }, 30_000);
});
