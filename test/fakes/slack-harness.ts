/**
 * The real Bolt app (through startSlack) against the Slack fake and the
 * Plexus fake, over 127.0.0.1, with helpers that send what Slack sends.
 */
import type { App } from '../../src/app.js';
import { commands } from '../../src/commands/index.js';
import { loadConfig, type BotConfig } from '../../src/config.js';
import type { Command } from '../../src/core/command.js';
import { StoredConfirmationRecords } from '../../src/core/confirmations.js';
import { StoredDeliveryClaims } from '../../src/core/deliveries.js';
import type { Deps } from '../../src/core/deps.js';
import { Pipeline } from '../../src/core/pipeline.js';
import type { AccessRule } from '../../src/core/policy.js';
import { Registry } from '../../src/core/registry.js';
import { createLogger } from '../../src/log.js';
import { createPlexusClient } from '../../src/plexus/client.js';
import type { PlexusApi } from '../../src/base/plexus-api.js';
import { FileStore, MemoryStore, type StateStore } from '../../src/watch/index.js';
import { startSlack, type SlackHandle } from '../../adapters/slack/index.js';
import { FakeClock } from '../support/harness.js';
import { startFakePlexus, type FakePlexus } from './plexus.js';
import { startFakeSlack, type FakeSlack, type HookPost } from './slack-api.js';
import { buttonClick, eventCallback, postSigned, slashCommandFields, type Posted } from './slack-signer.js';

export const SIGNING_SECRET = 'fake-signing-secret-8f3a1c';
export const ALICE = 'U0ALICE';
export const BOB = 'U0BOB';
export const OPS = 'C0LLMOPS';

export interface SlackHarnessOptions {
  mode?: 'http' | 'socket';
  access?: AccessRule[] | null;
  ttlSeconds?: number;
  plexusTimeoutMs?: number;
  /** Replace or add commands (stand-ins for commands under test). */
  extraCommands?: Command[];
  workingNoticeMs?: number;
  maxParts?: number;
  groupsTtlMs?: number;
  retries?: number;
  /** Keep the bot's state (confirmations, delivery claims) in a FileStore here, so `restart` keeps it. Default: in memory, lost. */
  stateDir?: string;
}

export interface Sent {
  /** What the app answered (HTTP response, or the Socket Mode ack). */
  status: number;
  ms: number;
  body?: unknown;
  /** The response_url handed out with the request. */
  hook: string;
  /** What was delivered, to deliver it again. */
  delivery: { kind: 'slash_commands' | 'interactive' | 'events_api'; form: string; payload: Record<string, unknown> };
}

export interface SlackHarness {
  slack: FakeSlack;
  plexus: FakePlexus;
  clock: FakeClock;
  logs: string[];
  app: App;
  handle: SlackHandle;
  config: BotConfig;
  eventsUrl: string;
  command(text: string, o?: { user?: string; channel?: string; channelName?: string }): Promise<Sent>;
  click(actionId: string, o?: { user?: string; channel?: string; ephemeral?: boolean; messageTs?: string; value?: string }): Promise<Sent>;
  dm(text: string, o?: { user?: string; files?: unknown[] }): Promise<Sent>;
  /** What was posted to a response_url. */
  posts(hook: string): HookPost[];
  /** Waits until `hook` got at least `n` posts; returns them. */
  waitPosts(hook: string, n?: number): Promise<HookPost[]>;
  /** Delivers the same request again, as Slack's retry `retryNum` (its X-Slack-Retry-Num). */
  redeliver(sent: Sent, retryNum?: number): Promise<Sent>;
  /** The bot's state store (a new one after each restart). */
  store: StateStore;
  /** A new app on the same fakes, as after a restart: its state is empty unless `stateDir` keeps it. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const allow: AccessRule[] = [
  { platform: 'slack', channels: [OPS, 'dm'], users: [ALICE], tier: 'destructive' },
  { platform: 'slack', channels: [OPS], tier: 'read' },
];

export async function startSlackHarness(o: SlackHarnessOptions = {}): Promise<SlackHarness> {
  const mode = o.mode ?? 'http';
  const plexus = await startFakePlexus();
  const slack = await startFakeSlack();
  const clock = new FakeClock();
  const logs: string[] = [];
  const secrets = () => [plexus.adminKey, slack.botToken, slack.appToken, SIGNING_SECRET];
  const logger = createLogger({ level: 'debug', secrets, destination: { write: (l: string) => void logs.push(l) } });
  const timeoutMs = o.plexusTimeoutMs ?? 2000;
  const base = loadConfig({});
  const config: BotConfig = {
    ...base,
    plexus: { baseUrl: plexus.url, adminKey: plexus.adminKey, concurrency: 4, timeoutMs },
    slack: {
      botToken: slack.botToken,
      apiUrl: slack.apiUrl,
      ...(mode === 'socket' ? { appToken: slack.appToken } : { signingSecret: SIGNING_SECRET }),
    },
    access: o.access === undefined ? allow : o.access,
    confirm: { ttlSeconds: o.ttlSeconds ?? 120 },
  };
  let client: PlexusApi;
  let builds = 0;
  const build = (): App => {
    const now = () => clock.now();
    const store = o.stateDir ? new FileStore(o.stateDir, logger, now) : new MemoryStore(now);
    h.store = store;
    const confirmations = new StoredConfirmationRecords(store, { now, keepMs: config.confirm.ttlSeconds * 10_000 });
    client = createPlexusClient({ baseUrl: plexus.url, adminKey: plexus.adminKey, logger, retryMinMs: 1, timeoutMs, concurrency: 4 });
    const deps: Deps = { plexus: client, clock, logger, stateDir: '/nonexistent' };
    const extra = o.extraCommands ?? [];
    const names = new Set(extra.map((c) => c.name));
    const registry = new Registry([...commands.filter((c) => !names.has(c.name)), ...extra]);
    return {
      deps,
      registry,
      pipeline: new Pipeline(deps, registry, { rules: config.access }, { confirmTtlSeconds: config.confirm.ttlSeconds, confirmations }),
      deliveries: new StoredDeliveryClaims(store, { owner: `slack-harness:${++builds}` }),
      state: store,
    };
  };
  const start = (app: App) =>
    startSlack({
      app,
      config,
      logger,
      port: 0,
      host: '127.0.0.1',
      receiverOptions: { clientPingTimeout: 200, serverPingTimeout: 30_000 },
      clientOptions: { retryConfig: { retries: o.retries ?? 2, factor: 1, minTimeout: 10, maxTimeout: 20 } },
      workingNoticeMs: o.workingNoticeMs ?? 2500,
      maxParts: o.maxParts ?? 3,
      groupsTtlMs: o.groupsTtlMs ?? 60_000,
    });

  const h = { slack, plexus, clock, logs, config } as SlackHarness;
  h.app = build();
  h.handle = await start(h.app);
  h.eventsUrl = `http://127.0.0.1:${h.handle.port}/slack/events`;

  const deliver = async (
    kind: 'slash_commands' | 'interactive' | 'events_api',
    form: string,
    payload: Record<string, unknown>,
    hook: string,
    retryNum?: number,
  ): Promise<Sent> => {
    const delivery = { kind, form, payload };
    if (mode === 'socket') {
      const ack = await slack.socket.send(kind, payload);
      return { status: 200, ms: ack.ackMs, body: ack.payload, hook, delivery };
    }
    const res: Posted = await postSigned(h.eventsUrl, SIGNING_SECRET, form, {
      ...(kind === 'events_api' ? { contentType: 'application/json' } : {}),
      ...(retryNum ? { headers: { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' } } : {}),
    });
    return { status: res.status, ms: res.ms, body: res.body, hook, delivery };
  };
  h.redeliver = (sent, retryNum = 1) => deliver(sent.delivery.kind, sent.delivery.form, sent.delivery.payload, sent.hook, retryNum);

  h.command = (text, c = {}) => {
    const channel = c.channel ?? OPS;
    const user = c.user ?? ALICE;
    const hook = slack.hook(channel, user);
    const fields = slashCommandFields({ text, user, channel, responseUrl: hook, ...(c.channelName ? { channelName: c.channelName } : {}) });
    return deliver('slash_commands', new URLSearchParams(fields).toString(), fields, hook);
  };
  h.click = (actionId, c = {}) => {
    const channel = c.channel ?? OPS;
    const user = c.user ?? ALICE;
    const ephemeral = c.ephemeral ?? true;
    const hook = slack.hook(channel, user, { ephemeralOriginal: ephemeral });
    const payload = buttonClick({
      actionId,
      user,
      channel,
      responseUrl: hook,
      ephemeral,
      ...(c.messageTs ? { messageTs: c.messageTs } : {}),
      ...(c.value ? { value: c.value } : {}),
    });
    return deliver('interactive', new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), payload, hook);
  };
  h.dm = (text, c = {}) => {
    const user = c.user ?? ALICE;
    const channel = `D${user.slice(1)}`;
    const event: Record<string, unknown> = {
      type: 'message',
      channel,
      channel_type: 'im',
      user,
      text,
      ts: `${Math.floor(Date.now() / 1000)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
      client_msg_id: crypto.randomUUID(),
      ...(c.files ? { subtype: 'file_share', files: c.files, upload: false } : {}),
    };
    const body = eventCallback(event);
    return deliver('events_api', JSON.stringify(body), body, '');
  };
  h.posts = (hook) => slack.hookPosts.filter((p) => hook.endsWith(`/hooks/${p.hook}`));
  h.waitPosts = (hook, n = 1) => slack.waitFor(() => (h.posts(hook).length >= n ? h.posts(hook) : undefined));
  h.restart = async () => {
    await h.handle.stop();
    await client.close();
    h.app = build();
    h.handle = await start(h.app);
    h.eventsUrl = `http://127.0.0.1:${h.handle.port}/slack/events`;
    if (mode === 'socket') await slack.socket.connected(slack.socket.connections);
  };
  h.close = async () => {
    await h.handle.stop();
    await client.close();
    await slack.close();
    await plexus.close();
  };
  if (mode === 'socket') await slack.socket.connected(1);
  return h;
}
