import type { Logger } from 'pino';
import type { PlexusApi } from './base/plexus-api.js';
import { legacySnoozeButton } from './commands/alerts.js';
import { commands } from './commands/index.js';
import type { BotConfig } from './config.js';
import type { Clock } from './core/clock.js';
import { StoredConfirmationRecords, type ConfirmationRecords } from './core/confirmations.js';
import { LocalDeliveryClaims, StoredDeliveryClaims, type DeliveryClaims } from './core/deliveries.js';
import type { AlertsApi, Deps, DigestsApi } from './core/deps.js';
import { Pipeline, type PipelineOptions } from './core/pipeline.js';
import { Registry } from './core/registry.js';
import type { SharedState, StateLog } from './core/state.js';

export interface App {
  deps: Deps;
  registry: Registry;
  pipeline: Pipeline;
  /** Claims on platform deliveries, so a redelivered or copied event runs once (in the state store when there is one). */
  deliveries: DeliveryClaims;
  /** The process's state store, for what an adapter must keep across restarts (Discord's long button ids). */
  state?: SharedState;
}

export interface AppOptions {
  config: BotConfig;
  plexus: PlexusApi;
  logger: Logger;
  clock: Clock;
  /** The watchers' services, when they run (src/wiring.ts builds them). */
  digests?: DigestsApi;
  alerts?: AlertsApi;
  /** Where pending confirmations are kept (default: in `state`, else in this process). */
  confirmations?: ConfirmationRecords;
  /** The state store shared by everything that must outlive this process or be seen by another replica. */
  state?: SharedState;
  /** Who holds this process's claims (host, pid and a random part). */
  owner?: string;
  /** Told of every line and click the pipeline finishes (metrics). */
  onOutcome?: PipelineOptions['onOutcome'];
  /** Where the pipeline appends its audit trail (stream `audit`), with `config.replicaId`. */
  log?: StateLog;
}

/** The core for any front door: deps, commands and the pipeline. Builds no service of its own. */
export function createApp(opts: AppOptions): App {
  const deps: Deps = {
    plexus: opts.plexus,
    clock: opts.clock,
    logger: opts.logger,
    stateDir: opts.config.stateDir,
    ...(opts.digests ? { digests: opts.digests } : {}),
    ...(opts.alerts ? { alerts: opts.alerts } : {}),
  };
  const registry = new Registry(commands);
  const ttlSeconds = opts.config.confirm.ttlSeconds;
  const { state } = opts;
  // A late or second click is told what happened for 10 × the TTL after expiry.
  const stored = state ? new StoredConfirmationRecords(state, { now: () => opts.clock.now(), keepMs: ttlSeconds * 10_000 }) : undefined;
  const confirm: PipelineOptions = {
    confirmTtlSeconds: ttlSeconds,
    confirmations: opts.confirmations ?? stored,
    onOutcome: opts.onOutcome,
    replica: opts.config.replicaId,
    ...(opts.log ? { log: opts.log } : {}),
  };
  const pipeline = new Pipeline(deps, registry, { rules: opts.config.access }, confirm);
  pipeline.registerAction('snooze', legacySnoozeButton(pipeline));
  const owner = opts.owner ?? `pid-${process.pid}`;
  const deliveries = state ? new StoredDeliveryClaims(state, { owner }) : new LocalDeliveryClaims();
  return { deps, registry, pipeline, deliveries, ...(state ? { state } : {}) };
}
