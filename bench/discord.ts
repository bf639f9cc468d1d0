/**
 * Discord: time from INTERACTION_CREATE on the fake gateway to the deferred
 * callback at the fake REST API while Plexus takes 10 s, against a bare
 * discord.js client that only defers, on the same fakes.
 */
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { performance } from 'node:perf_hooks';
import { startDiscordHarness } from '../test/fakes/discord-harness.js';
import { slashCommand } from '../test/fakes/discord-payloads.js';
import type { FakeDiscord } from '../test/fakes/discord-fake.js';

const INTERACTIONS = 200;
const SLOW_PLEXUS_MS = 10_000;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function deferTimes(discord: FakeDiscord, where: Parameters<typeof slashCommand>[2]): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < INTERACTIONS; i++) {
    const t = performance.now();
    const p = discord.interact(slashCommand(discord.applicationId, discord.commandId, where, ['cooldowns', 'list']));
    await discord.waitForCall((c) => c.method === 'POST' && c.path.includes(`/interactions/${p.id}/`) && c.path.endsWith('/callback'), 5000);
    times.push(performance.now() - t);
  }
  return times;
}

export async function benchDiscord(): Promise<boolean> {
  const h = await startDiscordHarness({ timeoutMs: 30_000 });
  h.plexus.fake.delay(SLOW_PLEXUS_MS);
  const where = h.at('alice');
  let bot: number[];
  try {
    bot = await deferTimes(h.discord, where);
  } catch (e) {
    console.log(`\n== discord: interactions were not deferred: ${(e as Error).message}`);
    return false;
  }
  await h.bot.stop();

  // Baseline: discord.js alone, deferring and nothing else.
  const bare = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: h.discord.apiUrl } });
  bare.on(Events.InteractionCreate, (i) => {
    if (i.isChatInputCommand()) void i.deferReply().catch(() => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    bare.once(Events.ClientReady, () => resolve());
    bare.login(h.discord.token).catch(reject);
  });
  const base = await deferTimes(h.discord, where);
  await bare.destroy();

  const p50 = pct(bot, 50);
  const p99 = pct(bot, 99);
  console.log(`\n== discord: INTERACTION_CREATE → deferred callback, ${INTERACTIONS} interactions, Plexus answering in ${SLOW_PLEXUS_MS / 1000} s`);
  console.log(`  bot p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (target p99 <= 50 ms: ${p99 <= 50 ? 'met' : 'NOT met'})`);
  console.log(`  bare discord.js p50 ${pct(base, 50).toFixed(2)} ms, p99 ${pct(base, 99).toFixed(2)} ms; ratio p50 ${(p50 / pct(base, 50)).toFixed(2)}, p99 ${(p99 / pct(base, 99)).toFixed(2)}`);
  h.plexus.fake.reset();
  await h.discord.close();
  return true;
}
