import type { Logger } from 'pino';
import type { PlexusApi } from './base/plexus-api.js';
import { legacySnoozeButton } from './commands/alerts.js';
import { commands } from './commands/index.js';
import type { BotConfig } from './config.js';
import type { Clock } from './core/clock.js';
import type { ConfirmationRecords } from './core/confirmations.js';
import type { AlertsApi, Deps, DigestsApi } from './core/deps.js';
import { Pipeline, type PipelineOptions } from './core/pipeline.js';
import { Registry } from './core/registry.js';

export interface App {
  deps: Deps;
  registry: Registry;
  pipeline: Pipeline;
}

export interface AppOptions {
  config: BotConfig;
  plexus: PlexusApi;
  logger: Logger;
  clock: Clock;
  /** The watchers' services, when they run (src/wiring.ts builds them). */
  digests?: DigestsApi;
  alerts?: AlertsApi;
  /** Where pending confirmations are kept (default: in this process). */
  confirmations?: ConfirmationRecords;
  /** Told of every line and click the pipeline finishes (metrics). */
  onOutcome?: PipelineOptions['onOutcome'];
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
  const confirm = { confirmTtlSeconds: opts.config.confirm.ttlSeconds, confirmations: opts.confirmations, onOutcome: opts.onOutcome };
  const pipeline = new Pipeline(deps, registry, { rules: opts.config.access }, confirm);
  pipeline.registerAction('snooze', legacySnoozeButton(pipeline));
  return { deps, registry, pipeline };
}
