/**
 * The watchers as a bot process runs them, for tests that kill it: a
 * FileStore in STATE_DIR, Plexus at PLEXUS_URL (key PLEXUS_ADMIN_KEY), the
 * real Slack poster against the Web API at SLACK_API_URL, cooldown alerts to
 * ALERT_CHANNEL, a tick every TICK_MS of real time, claims leased for
 * LEASE_MS.
 *
 * Prints `ready`, then (with WAIT_FOR_GO) waits for `go` on stdin. Prints
 * `step <step> <ref>` as each delivery passes a step and `tick <n>` after
 * each tick. With STOP_AT=<step> it stops for good the first time a
 * delivery reaches that step (after printing `stopped <step> <ref>`), to be
 * killed there. `stop` on stdin stops the watchers and exits.
 */
import { createInterface } from 'node:readline';
import { webApi } from '@slack/bolt';
import { KeyedQueues } from '../../adapters/slack/conversation.js';
import { SlackChannelPoster } from '../../adapters/slack/channel-poster.js';
import { loadConfig, type BotConfig } from '../../src/config.js';
import type { DeliveryStep } from '../../src/watch/delivery.js';
import { FileStore } from '../../src/watch/file-store.js';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/log.js';
import { createPlexusClient } from '../../src/plexus/client.js';
import { wireBot } from '../../src/wiring.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`watch-bot: ${name} is not set`);
  return v;
};
const say = (line: string) => process.stdout.write(`${line}\n`);

const adminKey = env('PLEXUS_ADMIN_KEY');
const config: BotConfig = {
  ...loadConfig({}),
  stateDir: env('STATE_DIR'),
  alerts: { pollSeconds: 1, channels: { slack: env('ALERT_CHANNEL') }, quota: { thresholds: [80, 95, 100] }, cooldowns: true, keys: [] },
};
const logger = createLogger({ level: 'warn', secrets: () => [adminKey], destination: process.stderr });
const plexus = createPlexusClient({ baseUrl: env('PLEXUS_URL'), adminKey, logger, retryMinMs: 1, timeoutMs: 2000, concurrency: 4 });
const clock = systemClock;
// Several of these share one STATE_DIR at once, and the test reads it too: the cross-process FileStore, not FileState.
const bot = wireBot({ config, plexus, logger, clock, store: new FileStore(config.stateDir, logger, () => clock.now()) });
const client = new webApi.WebClient(env('SLACK_BOT_TOKEN'), { slackApiUrl: env('SLACK_API_URL'), retryConfig: { retries: 0 } });
const poster = new SlackChannelPoster(client, new KeyedQueues());

const stopAt = process.env.STOP_AT as DeliveryStep | undefined;
const onStep = async (step: DeliveryStep, ref: string): Promise<void> => {
  say(`step ${step} ${ref}`);
  if (step !== stopAt) return;
  say(`stopped ${step} ${ref}`);
  await new Promise<never>(() => undefined);
};
const watchers = bot.startWatchers({
  posters: [poster],
  autoStart: false,
  delivery: { intervalMs: 150, retryMinMs: 1, leaseMs: Number(env('LEASE_MS')), onStep },
});

const input = createInterface({ input: process.stdin });
let running = true;
const go = new Promise<void>((resolve) => {
  if (!process.env.WAIT_FOR_GO) resolve();
  input.on('line', (l) => {
    if (l === 'go') resolve();
    if (l === 'stop') running = false;
  });
});
say('ready');
await go;
const tickMs = Number(env('TICK_MS'));
for (let n = 1; running; n++) {
  await watchers.tick();
  say(`tick ${n}`);
  await new Promise((r) => setTimeout(r, tickMs));
}
await watchers.stop();
await plexus.close();
say('exited');
process.exit(0);
