/**
 * Discord: time from INTERACTION_CREATE on the fake gateway to the deferred
 * callback reaching the fake REST while Plexus takes 10 s per call, against a
 * bare discord.js client that only defers, interleaved in the same run.
 */
import { performance } from 'node:perf_hooks';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import pino from 'pino';
import { startDiscord } from '../adapters/discord/index.js';
import { createApp } from '../src/app.js';
import { loadConfig, type BotConfig } from '../src/config.js';
import { systemClock } from '../src/core/clock.js';
import { createPlexusClient } from '../src/plexus/client.js';
import { startFakeDiscord, type FakeDiscord } from '../test/fakes/discord-fake.js';
import { slashCommand, user, type Where } from '../test/fakes/discord-payloads.js';
import { startFakePlexus } from '../test/fakes/plexus.js';
import { ms, percentile } from './stats.js';

const INTERACTIONS = Number(process.env.BENCH_INTERACTIONS ?? 200);
const WARMUP = 20;
const SLOW_PLEXUS_MS = 10_000;
const TARGET_P99_MS = 50;
/** Discord's window for the first callback; later than that the interaction is lost. */
const CALLBACK_WINDOW_MS = 3000;
/** Give up measuring after this many interactions that were never deferred. */
const MAX_MISSES = 5;
const TEARDOWN_WAIT_MS = 5000;
const PATH = ['cooldowns', 'list'];

/** Dispatches one `/plexus cooldowns list`; resolves with the time to a deferred callback, or undefined if none came in the window. */
async function timeToDefer(discord: FakeDiscord, where: Where): Promise<number | undefined> {
  const payload = slashCommand(discord.applicationId, discord.commandId, where, PATH);
  const callback = discord.waitForCall((c) => c.interactionId === payload.id && c.path.endsWith('/callback'), CALLBACK_WINDOW_MS);
  const t0 = performance.now();
  discord.interact(payload);
  try {
    const call = await callback;
    const elapsed = performance.now() - t0;
    const deferred = call.status !== undefined && call.status < 300 && (call.body as { type?: number } | undefined)?.type === 5;
    return deferred ? elapsed : undefined;
  } catch {
    return undefined;
  }
}

async function loginBare(discord: FakeDiscord): Promise<Client> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl } });
  client.on(Events.InteractionCreate, (i) => {
    if (i.isChatInputCommand()) i.deferReply().catch(() => undefined);
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await Promise.all([client.login(discord.token), ready]);
  return client;
}

/** Prints the figures; returns false when interactions were not deferred. */
export async function benchDiscord(): Promise<boolean> {
  const logger = pino({ level: 'silent' });
  const plexusFake = await startFakePlexus();
  plexusFake.delay(SLOW_PLEXUS_MS);
  const botDiscord = await startFakeDiscord();
  const bareDiscord = await startFakeDiscord();
  const role = botDiscord.guild.roles[0]!.id;
  const channel = botDiscord.guild.channels[0]!.id;
  const plexusConfig = { baseUrl: plexusFake.url, adminKey: plexusFake.adminKey, concurrency: 4, timeoutMs: 30_000 };
  const config: BotConfig = {
    ...loadConfig({}),
    access: [{ platform: 'discord', channels: [channel], roles: [role], tier: 'read' }],
    plexus: plexusConfig,
    discord: { token: botDiscord.token, applicationId: botDiscord.applicationId, guildId: botDiscord.guild.id, apiUrl: botDiscord.apiUrl },
  };
  const plexus = createPlexusClient({ ...plexusConfig, logger });
  const app = createApp({ config, plexus, logger, clock: systemClock });
  let botDone = 0;
  let botDispatched = 0;
  const bot = await startDiscord({ app, config, logger, readyTimeoutMs: 5000, onInteractionDone: () => void botDone++ });
  const bare = await loginBare(bareDiscord);
  const alice = user('6000000000000000001', 'alice');
  const at = (d: FakeDiscord): Where => ({ user: alice, roles: [role], guildId: d.guild.id, channelId: channel });

  const botTimes: number[] = [];
  const bareTimes: number[] = [];
  let misses = 0;
  let bareMisses = 0;
  const viaBot = async (keep: boolean) => {
    botDispatched++;
    const t = await timeToDefer(botDiscord, at(botDiscord));
    if (t === undefined) misses++;
    else if (keep) botTimes.push(t);
  };
  const viaBare = async (keep: boolean) => {
    const t = await timeToDefer(bareDiscord, at(bareDiscord));
    if (t === undefined) bareMisses++;
    else if (keep) bareTimes.push(t);
  };
  for (let i = 0; i < WARMUP + INTERACTIONS && misses < MAX_MISSES && bareMisses < MAX_MISSES; i++) {
    const keep = i >= WARMUP;
    // Interleaved so drift on the machine hits both sides alike.
    if (i % 2 === 0) {
      await viaBot(keep);
      await viaBare(keep);
    } else {
      await viaBare(keep);
      await viaBot(keep);
    }
  }
  const waiting = botDispatched - botDone;
  const plexusInFlight = plexusFake.inFlight;

  const p50 = percentile(botTimes, 50);
  const p99 = percentile(botTimes, 99);
  const b50 = percentile(bareTimes, 50);
  const b99 = percentile(bareTimes, 99);
  console.log(
    `\n== discord: INTERACTION_CREATE → deferred callback, ${INTERACTIONS} interactions (+${WARMUP} warm-up), ` +
      `Plexus answering in ${SLOW_PLEXUS_MS / 1000} s`,
  );
  console.log(
    `  deferred                  bot ${botTimes.length}/${INTERACTIONS}, bare ${bareTimes.length}/${INTERACTIONS} ` +
      `(missed: bot ${misses}, bare ${bareMisses})`,
  );
  console.log(`  bot p50 ${ms(p50)}, p99 ${ms(p99)} (target p99 <= ${TARGET_P99_MS} ms: ${p99 <= TARGET_P99_MS ? 'met' : 'NOT met'})`);
  console.log(
    `  bare discord.js deferReply p50 ${ms(b50)}, p99 ${ms(b99)}; ratio p50 ${(p50 / b50).toFixed(2)}, p99 ${(p99 / b99).toFixed(2)}`,
  );
  console.log(`  while measuring: ${waiting} commands still waiting on Plexus, ${plexusInFlight} calls in flight there`);

  // Closing the Plexus client first fails its queued calls at once; closing the fake
  // cuts the 10 s answers in flight. The bot then answers every interaction with an error.
  const t0 = performance.now();
  const plexusClosed = plexus.close();
  await plexusFake.close();
  const deadline = Date.now() + TEARDOWN_WAIT_MS;
  while (botDone < botDispatched && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const finished = botDone;
  await bot.stop();
  await bare.destroy();
  await botDiscord.close();
  await bareDiscord.close();
  await plexusClosed;
  console.log(
    `  teardown                  ${(performance.now() - t0).toFixed(0)} ms; ${finished}/${botDispatched} interactions finished by the bot`,
  );

  return misses === 0 && botTimes.length === INTERACTIONS;
}
