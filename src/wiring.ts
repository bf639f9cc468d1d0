/**
 * The one place the bot is put together: the watchers' services, the core
 * (deps, commands, pipeline), the chat platforms and the watchers on their
 * posters. cli.ts and the tests build the bot through here.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { createApp, type App } from './app.js';
import type { PlexusApi } from './base/plexus-api.js';
import type { BotConfig } from './config.js';
import type { Clock } from './core/clock.js';
import type { ConfirmationRecords } from './core/confirmations.js';
import type { StateLog } from './core/state.js';
import { BotMetrics, botRoutes } from './ops/index.js';
import { startPlatforms, stopAll } from './platforms.js';
import { openFileState } from './state/file.js';
import { MemoryState } from './state/memory.js';
import { connectPostgres } from './state/postgres.js';
import type { StateStore as State } from './state/store.js';
import { DigestService } from './watch/digest-service.js';
import { startWatchers, type StateStore, type Watchers, type WatchersOptions } from './watch/index.js';
import { AlertControls } from './watch/snooze.js';

export interface Bot extends App {
  metrics: BotMetrics;
  /** Starts the watchers, posting through `posters`; the `digest` and `alerts` commands then see their state. */
  startWatchers(opts: Omit<WatchersOptions, 'plexus' | 'digests' | 'alerts' | 'config' | 'logger' | 'clock'>): Watchers;
}

export interface BotOptions {
  config: BotConfig;
  plexus: PlexusApi;
  logger: Logger;
  clock: Clock;
  confirmations?: ConfirmationRecords;
  /**
   * The process's one state store: pending confirmations, delivery claims,
   * Discord's long button ids, and the watchers' alerts and digests.
   * `openBotState` opens the one of the configuration (cli.ts passes it). Default: in memory, on the clock.
   */
  store?: StateStore;
  /** Default: a registry of this bot's own. */
  metrics?: BotMetrics;
}

export function wireBot(opts: BotOptions): Bot {
  const { config, plexus, logger, clock } = opts;
  const keys = config.alerts?.keys ?? ['*'];
  const digests = new DigestService({ digests: config.digests, plexus, clock, logger: logger.child({ module: 'watch' }), keys });
  const alerts = new AlertControls(clock);
  const store = opts.store ?? new MemoryState(() => clock.now());
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const metrics = opts.metrics ?? new BotMetrics({ replica: config.replicaId });
  metrics.watchQueue('plexus', () => plexus.queued);
  const log = hasLog(store) ? store : undefined;
  const app = createApp({ ...opts, digests, alerts, state: store, owner, onOutcome: metrics.onOutcome, ...(log ? { log } : {}) });
  const delivery = (w: Parameters<Bot['startWatchers']>[0]) => ({ onDelivery: metrics.onDelivery, ...w.delivery });
  return {
    ...app,
    metrics,
    startWatchers: (w) =>
      leading(metrics, startWatchers({ store, ...w, delivery: delivery(w), plexus, digests, alerts, config, logger, clock })),
  };
}

/** A state layer store has an append-only log (the audit trail goes there); the watchers' older stores have none. */
function hasLog(store: StateStore): store is StateStore & StateLog {
  return typeof (store as Partial<StateLog>).append === 'function';
}

/** Watchers run here: this replica leads (0/1 gauge) and reports its delivery queue until they stop. */
function leading(metrics: BotMetrics, watchers: Watchers): Watchers {
  metrics.setLeader(true);
  const unwatch = metrics.watchQueue('delivery', () => watchers.queued());
  return {
    ...watchers,
    async stop() {
      await watchers.stop();
      unwatch();
      metrics.setLeader(false);
    },
  };
}

/**
 * The process's one state store, opened before anything starts: PostgreSQL when DATABASE_URL is set (connected and
 * migrated), else files in STATE_DIR, locked for this process. The console without DATABASE_URL keeps its state in
 * memory: it runs no watchers, asks for confirmations on its next line, and so can run beside a bot on the same
 * STATE_DIR without writing it. Fails with a one-line error (`StateConnectError`, `StateLockedError`).
 */
export async function openBotState(opts: { config: BotConfig; logger: Logger; clock: Clock; console?: boolean }): Promise<State> {
  const { config, logger, clock } = opts;
  const now = () => clock.now();
  if (config.databaseUrl) return connectPostgres(config.databaseUrl, { now });
  if (opts.console) return new MemoryState(now);
  return openFileState(config.stateDir, { now, logger: logger.child({ module: 'state' }) });
}

export interface Chat {
  /** What runs, e.g. `Slack (Socket Mode)`. */
  platforms: string[];
  /** Where /healthz, /readyz and /metrics answer. */
  port?: number;
  stop(): Promise<void>;
}

/**
 * The chat platforms whose credentials are set, and the watchers on them.
 * `stop` ends the watchers first, so their queued posts still go out.
 */
export async function startChat(bot: Bot, config: BotConfig, logger: Logger): Promise<Chat> {
  let watchers: Watchers | undefined;
  const routes = botRoutes({
    replica: config.replicaId,
    metrics: bot.metrics,
    plexus: bot.deps.plexus,
    // The store the bot opened at start (the same one the watchers use), so it is probed from the first request.
    store: () => bot.state ?? watchers?.store,
    logger,
  });
  const started = await startPlatforms({ app: bot, config, logger, routes });
  watchers = started.posters.length > 0 ? bot.startWatchers({ posters: started.posters }) : undefined;
  return {
    platforms: started.running.map((r) => r.name),
    ...(started.port === undefined ? {} : { port: started.port }),
    async stop() {
      await watchers?.stop();
      await stopAll(started.running, logger);
    },
  };
}
