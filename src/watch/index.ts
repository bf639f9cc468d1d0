import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { BotConfig } from '../config.js';
import type { ChannelPoster } from '../core/channel-poster.js';
import type { Clock } from '../core/clock.js';
import type { PlexusApi } from '../base/plexus-api.js';
import { AlertBook } from './alert-book.js';
import { applyCooldowns, readCooldowns } from './cooldown-watch.js';
import { Delivery, type DeliveryOptions } from './delivery.js';
import { runDueDigests, targetsFor, untilNextDigest } from './digest-run.js';
import type { DigestService } from './digest-service.js';
import { FileStore } from './file-store.js';
import { recordPollOutcome } from './health-watch.js';
import { readKeyQuotas, readMeters } from './quota-read.js';
import { applyQuotaReadings, recordSamples } from './quota-watch.js';
import { jitter, Loop } from './scheduler.js';
import type { AlertControls } from './snooze.js';
import type { StateStore } from './state-store.js';

export { FileStore } from './file-store.js';
export { MemoryStore, type StateStore } from './state-store.js';

export interface WatchersOptions {
  plexus: PlexusApi;
  /** The services the commands see too (`digest …`, `alerts snooze`): the watchers give them their state. */
  digests: DigestService;
  alerts: AlertControls;
  config: BotConfig;
  logger: Logger;
  clock: Clock;
  posters: ChannelPoster[];
  /** Default: a JSON file in STATE_DIR. */
  store?: StateStore;
  /** Run on timers (default). Tests pass false and call tick(). */
  autoStart?: boolean;
  /** Rate limit and retry tuning (tests make them fast). */
  delivery?: Partial<Omit<DeliveryOptions, 'owner'>>;
}

export interface Watchers {
  /** One poll (and any digest that is due) now; resolves when its messages are out. */
  tick(): Promise<void>;
  stop(): Promise<void>;
  store: StateStore;
  /** Posts and edits waiting to go out. */
  queued(): number;
}

/**
 * Cooldown and quota alerts to `alerts.channels`, digests on their
 * schedules, state in `store` so a restart neither repeats nor misses one.
 * Never throws after start: failures are logged, and Plexus being
 * unreachable is itself an alert.
 */
export function startWatchers(opts: WatchersOptions): Watchers {
  const { plexus, config, logger, clock, posters } = opts;
  const log = logger.child({ module: 'watch' });
  const store = opts.store ?? new FileStore(config.stateDir, log, () => clock.now());
  const delivery = new Delivery(store, log, { owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, ...opts.delivery });
  const alerts = config.alerts;
  const pollMs = (alerts?.pollSeconds ?? 60) * 1000;
  const thresholds = [...(alerts?.quota.thresholds ?? [80, 95, 100])].sort((a, b) => a - b);
  const alertTargets = alerts ? targetsFor(alerts.channels, posters) : [];
  const book = new AlertBook(store, delivery, alertTargets, log, pollMs / 1000);
  const service = opts.digests;
  service.attachStore(store);
  const detachAlerts = opts.alerts.attach(book);

  const polling = alertTargets.length > 0;
  if (alerts && !polling) log.warn('alerts are configured but no alert channel is on a connected platform; not polling');
  const reported = new Set<string>();

  async function poll(): Promise<void> {
    if (!alerts) return;
    const now = clock.now();
    let failure: unknown;
    const read = async <T>(what: string, f: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await f();
      } catch (e) {
        failure ??= e;
        log.warn({ err: e, what }, 'watcher could not read Plexus');
        return undefined;
      }
    };
    const apply = async (what: string, f: () => Promise<void>): Promise<void> => {
      try {
        await f();
      } catch (e) {
        log.error({ err: e, what }, 'watcher could not update alert state');
      }
    };
    const cooldowns = alerts.cooldowns ? await read('cooldowns', () => readCooldowns(plexus)) : undefined;
    const meters = await read('quota meters', () => readMeters(plexus));
    const keyQuotas = await read('key quotas', () => readKeyQuotas(plexus, alerts.keys, log));
    if (cooldowns) await apply('cooldowns', () => applyCooldowns(book, cooldowns, now, 2 * pollMs));
    await apply('quotas', async () => {
      const samples = await recordSamples(store, [...(meters ?? []), ...(keyQuotas ?? [])], now);
      if (meters) await applyQuotaReadings(book, meters, 'quota:meter:', now, thresholds, samples);
      if (keyQuotas) await applyQuotaReadings(book, keyQuotas, 'quota:key:', now, thresholds, samples);
    });
    await apply('plexus health', () => recordPollOutcome(store, book, now, failure));
    await book.sync(clock.now());
  }

  async function tick(): Promise<void> {
    if (polling) await poll();
    await runDueDigests({ service, store, delivery, posters, logger: log, reported }, clock.now());
  }

  const loop = new Loop(
    tick,
    () => {
      const next = untilNextDigest(service, clock.now());
      const candidates = [polling ? jitter(pollMs) : 3_600_000, next === null ? 3_600_000 : next + 250];
      return Math.min(...candidates);
    },
    log,
  );
  const idle = !polling && config.digests.length === 0;
  if (opts.autoStart !== false && !idle) loop.start();
  log.info(
    { alerts: polling ? alertTargets.map((t) => `${t.poster.platform}:${t.channelId}`) : [], digests: config.digests.map((d) => d.name) },
    idle ? 'watchers idle: no alert channel, no digest' : 'watchers started',
  );

  return {
    store,
    queued: () => delivery.queued,
    tick: () => loop.runNow(),
    async stop() {
      await loop.stop();
      detachAlerts();
      await delivery.idle();
      await store.flush();
    },
  };
}
