import type { Logger } from 'pino';
import { commands } from './commands/index.js';
import type { BotConfig } from './config.js';
import type { Clock } from './core/clock.js';
import type { Deps } from './core/deps.js';
import { Pipeline } from './core/pipeline.js';
import { Registry } from './core/registry.js';
import type { PlexusApi } from './plexus/types.js';

export interface App {
  deps: Deps;
  registry: Registry;
  pipeline: Pipeline;
}

/** Wires the core for any front door; tests build it against the fakes the same way. */
export function createApp(opts: { config: BotConfig; plexus: PlexusApi; logger: Logger; clock: Clock }): App {
  const deps: Deps = { plexus: opts.plexus, clock: opts.clock, logger: opts.logger, stateDir: opts.config.stateDir };
  const registry = new Registry(commands);
  const pipeline = new Pipeline(deps, registry, { rules: opts.config.access }, { confirmTtlSeconds: opts.config.confirm.ttlSeconds });
  return { deps, registry, pipeline };
}
