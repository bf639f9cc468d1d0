import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from './fakes/discord-fake.js';
import { startFakePlexus, type FakePlexus } from './fakes/plexus.js';
import { startFakeSlack, type FakeSlack } from './fakes/slack-api.js';
import { postSigned, slashCommandFields } from './fakes/slack-signer.js';

const ROOT = new URL('..', import.meta.url).pathname;
const SIGNING_SECRET = 'main-e2e-signing-secret-5b1d';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

let plexus: FakePlexus;
let slack: FakeSlack;
let discord: FakeDiscord;
let bot: ChildProcess;
let port: number;
let stderr = '';
let exit: Promise<number | null>;

beforeAll(async () => {
  plexus = await startFakePlexus();
  slack = await startFakeSlack();
  discord = await startFakeDiscord();
  port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'plexus-bot-'));
  writeFileSync(join(dir, 'plexus-bot.yml'), 'access:\n  - platform: slack\n    channels: ["C0LLMOPS"]\n    tier: read\n');
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PLEXUS_|SLACK_|DISCORD_)/.test(k)));
  bot = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...clean,
      PLEXUS_BASE_URL: plexus.url,
      PLEXUS_ADMIN_KEY: plexus.adminKey,
      PLEXUS_BOT_CONFIG: join(dir, 'plexus-bot.yml'),
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_GUILD_ID: discord.guild.id,
      DISCORD_API_URL: discord.apiUrl,
      PORT: String(port),
      STATE_DIR: join(dir, 'state'),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  bot.stderr!.on('data', (d) => (stderr += d));
  exit = new Promise((resolve) => bot.on('exit', (code) => resolve(code)));
  // Up on both platforms (and listening for SIGTERM), so each test can run first or alone.
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok && stderr.includes('plexus-chatops is running')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the bot did not start: ${stderr}`);
}, 30_000);

afterAll(async () => {
  if (bot.exitCode === null) bot.kill('SIGKILL');
  await slack.close();
  await discord.close();
  await plexus.close();
});

describe('npm start with Slack and Discord credentials', () => {
  it('registers /plexus in the Discord guild', async () => {
    const put = await discord.waitForCall(
      (c) => c.method === 'PUT' && c.path.includes(`/applications/${discord.applicationId}/guilds/${discord.guild.id}/commands`),
      15_000,
    );
    expect(JSON.stringify(put.body)).toContain('"name":"plexus"');
  }, 20_000);

  it('serves /healthz, answers a signed /plexus command, and stops cleanly on SIGTERM', async () => {
    const hook = slack.hook('C0LLMOPS', 'U0ALICE');
    const body = new URLSearchParams(
      slashCommandFields({ text: 'cooldowns list', user: 'U0ALICE', channel: 'C0LLMOPS', responseUrl: hook }),
    ).toString();
    const res = await postSigned(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET, body);
    expect(res.status).toBe(200);
    const answer = await slack.waitFor(() => slack.hookPosts.find((p) => JSON.stringify(p.body).includes('groq')), 10_000);
    expect(answer.body.response_type ?? 'ephemeral').toBe('ephemeral');
    expect(plexus.requests.some((r) => r.path === '/v0/management/cooldowns')).toBe(true);

    bot.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stderr).not.toContain(plexus.adminKey);
    expect(stderr).not.toContain(slack.botToken);
    expect(stderr).not.toContain(discord.token);
  }, 30_000);
});
