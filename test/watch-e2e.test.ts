/**
 * Alerts and digests end to end over loopback: the real Bolt and discord.js
 * adapters post to the Slack and Discord fakes, and a click on the alert's
 * "Clear cooldown" button in Slack clears the cooldown on the Plexus fake.
 */
import type { Logger } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDiscord, type DiscordHandle } from '../adapters/discord/index.js';
import { startSlack, type SlackHandle } from '../adapters/slack/index.js';
import { loadConfig, type BotConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { createPlexusClient } from '../src/plexus/client.js';
import type { PlexusApi } from '../src/base/plexus-api.js';
import type { AlertRecord } from '../src/watch/alert-model.js';
import { MemoryStore, type Watchers } from '../src/watch/index.js';
import { wireBot, type Bot } from '../src/wiring.js';
import { startFakeDiscord, type FakeDiscord } from './fakes/discord-fake.js';
import { startFakePlexus, type FakePlexus } from './fakes/plexus.js';
import { startFakeSlack, type FakeSlack } from './fakes/slack-api.js';
import { buttonClick, postSigned } from './fakes/slack-signer.js';
import { FakeClock, freshFake } from './support/harness.js';

const SIGNING_SECRET = 'watch-e2e-signing-secret-5b1d';
const ONCALL = 'C0ONCALL';
const OPS = 'C0LLMOPS';

let clock: FakeClock;
let plexusFake: FakePlexus;
let slack: FakeSlack;
let discord: FakeDiscord;
let plexus: PlexusApi;
let slackBot: SlackHandle;
let discordBot: DiscordHandle;
let watchers: Watchers;
let discordChannel: string;
let app: Bot;
let config: BotConfig;
let logger: Logger;
const logs: string[] = [];
/** Where the Slack and Discord call logs stood when the test began. */
let since = { slack: 0, discord: 0 };

beforeAll(async () => {
  clock = new FakeClock();
  plexusFake = await startFakePlexus({ now: () => clock.now() });
  slack = await startFakeSlack();
  discord = await startFakeDiscord();
  discordChannel = discord.guild.channels[0]!.id;
  const platformRole = discord.guild.roles[0]!.id;
  logger = createLogger({
    level: 'debug',
    secrets: () => [plexusFake.adminKey, slack.botToken, discord.token, SIGNING_SECRET],
    destination: { write: (l: string) => void logs.push(l) },
  });
  config = {
    ...loadConfig({}),
    plexus: { baseUrl: plexusFake.url, adminKey: plexusFake.adminKey, concurrency: 4, timeoutMs: 2000 },
    slack: { botToken: slack.botToken, signingSecret: SIGNING_SECRET, apiUrl: slack.apiUrl },
    discord: { token: discord.token, applicationId: discord.applicationId, guildId: discord.guild.id, apiUrl: discord.apiUrl },
    access: [
      { platform: 'slack', channels: [ONCALL], users: ['U0ALICE'], tier: 'write' },
      { platform: 'discord', channels: [discordChannel], roles: [platformRole], tier: 'write' },
    ],
    alerts: {
      pollSeconds: 60,
      channels: { slack: ONCALL, discord: discordChannel },
      quota: { thresholds: [80, 95, 100] },
      cooldowns: true,
      keys: [],
    },
    digests: [{ name: 'daily', schedule: '0 9 * * *', timezone: 'UTC', range: 'day', channels: { slack: OPS, discord: discordChannel } }],
  };
  plexus = createPlexusClient({
    baseUrl: plexusFake.url,
    adminKey: plexusFake.adminKey,
    logger,
    retryMinMs: 1,
    timeoutMs: 2000,
    concurrency: 4,
  });
  app = wireBot({ config, plexus, logger, clock });
  slackBot = await startSlack({ app, config, logger, port: 0, host: '127.0.0.1', clientOptions: { retryConfig: { retries: 0 } } });
  discordBot = await startDiscord({ app, config, logger, readyTimeoutMs: 5000 });
});

// Each test starts at T0 with the seeded Plexus state, new watchers over an empty store, and no Slack or Discord calls of its own yet.
beforeEach(() => {
  clock.reset();
  freshFake(plexusFake);
  plexusFake.gateway.state.quotaSnapshots.clear(); // only the seeded cooldown alerts
  since = { slack: slack.calls.length, discord: discord.calls.length };
  watchers = app.startWatchers({
    posters: [slackBot.poster, discordBot.poster],
    store: new MemoryStore(() => clock.now()),
    autoStart: false,
    delivery: { intervalMs: 0, retryMinMs: 1 },
  });
});

afterEach(async () => {
  await watchers?.stop();
});

afterAll(async () => {
  await slackBot?.stop();
  await discordBot?.stop();
  await plexus?.close();
  await slack?.close();
  await discord?.close();
  await plexusFake?.close();
});

const json = (v: unknown) => JSON.stringify(v);
const discordCalls = () => discord.calls.slice(since.discord);
const slackCalls = (method: string) => slack.calls.slice(since.slack).filter((c) => c.method === method);
const discordPosts = (channel: string) => discordCalls().filter((c) => c.method === 'POST' && c.path === `/channels/${channel}/messages`);

interface SlackButton {
  action_id: string;
  value?: string;
  text: { text: string };
}

function buttonIn(blocks: unknown, label: string): SlackButton | undefined {
  for (const b of (blocks as { type: string; elements?: SlackButton[] }[]) ?? []) {
    const hit = b.type === 'actions' ? b.elements?.find((e) => e.text.text === label) : undefined;
    if (hit) return hit;
  }
  return undefined;
}

describe('alerts and digests over Slack and Discord', () => {
  it('posts a cooldown alert to both alert channels; Clear cooldown in Slack clears it on Plexus; the messages turn resolved', async () => {
    await watchers.tick();
    const posted = slackCalls('chat.postMessage').filter((c) => c.args.channel === ONCALL);
    expect(posted).toHaveLength(1);
    expect(json(posted[0]!.args.blocks)).toContain('Cooldown: groq/llama-3.3-70b-versatile');
    const toDiscord = discordPosts(discordChannel);
    expect(toDiscord).toHaveLength(1);
    expect(toDiscord[0]!.status).toBe(200);
    expect(toDiscord[0]!.problems).toEqual([]);
    expect(json(toDiscord[0]!.body)).toContain('Cooldown: groq/llama-3.3-70b-versatile');
    expect(json(toDiscord[0]!.body)).toContain('Clear cooldown');

    // A second poll posts nothing new.
    clock.advance(60_000);
    await watchers.tick();
    expect(slackCalls('chat.postMessage').filter((c) => c.args.channel === ONCALL)).toHaveLength(1);
    expect(discordPosts(discordChannel)).toHaveLength(1);

    const button = buttonIn(posted[0]!.args.blocks, 'Clear cooldown');
    expect(button).toBeDefined();
    const hook = slack.hook(ONCALL, 'U0ALICE', { ephemeralOriginal: false });
    const payload = buttonClick({
      actionId: button!.action_id,
      value: button!.value ?? button!.action_id,
      user: 'U0ALICE',
      channel: ONCALL,
      responseUrl: hook,
      ephemeral: false,
    });
    const res = await postSigned(
      `http://127.0.0.1:${slackBot.port}/slack/events`,
      SIGNING_SECRET,
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    );
    expect(res.status).toBe(200);
    await slack.waitFor(() => plexusFake.gateway.state.activeCooldowns().length === 0 || undefined, 5000);
    expect(
      plexusFake.requests.some(
        (r) => r.method === 'DELETE' && r.path === '/v0/management/cooldowns/groq' && r.query === 'model=llama-3.3-70b-versatile',
      ),
    ).toBe(true);

    clock.advance(60_000);
    await watchers.tick();
    const updates = slackCalls('chat.update').filter((c) => c.args.channel === ONCALL);
    expect(updates).toHaveLength(1);
    const alert = await watchers.store.get<AlertRecord>('alert:cooldown:groq/llama-3.3-70b-versatile');
    expect(updates[0]!.args.ts).toBe(alert!.value.messages[`slack:${ONCALL}`]!.messageId);
    expect(json(updates[0]!.args.blocks)).toContain('Resolved: cooldown groq/llama-3.3-70b-versatile');
    const edits = discordCalls().filter((c) => c.method === 'PATCH' && c.path.startsWith(`/channels/${discordChannel}/messages/`));
    expect(edits).toHaveLength(1);
    expect(edits[0]!.status).toBe(200);
    expect(json(edits[0]!.body)).toContain('Resolved: cooldown groq/llama-3.3-70b-versatile');
  });

  it('posts the digest to its channels on schedule, once', async () => {
    // The watchers first see the digest the day before; nothing is owed for times before that.
    await watchers.tick();
    expect(slackCalls('chat.postMessage').filter((c) => c.args.channel === OPS)).toHaveLength(0);
    clock.t = Date.parse('2026-11-27T09:00:10Z');
    await watchers.tick();
    await watchers.tick();
    const toSlack = slackCalls('chat.postMessage').filter((c) => c.args.channel === OPS);
    expect(toSlack).toHaveLength(1);
    expect(json(toSlack[0]!.args.blocks)).toContain('Digest \\"daily\\": last 24 h');
    const toDiscord = discordPosts(discordChannel).filter((c) => json(c.body).includes('Digest \\"daily\\"'));
    expect(toDiscord).toHaveLength(1);
    expect(toDiscord[0]!.problems).toEqual([]);
    for (const secret of [plexusFake.adminKey, slack.botToken, discord.token]) expect(logs.join('\n')).not.toContain(secret);
  });
});
