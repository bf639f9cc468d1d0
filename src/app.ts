import type { Logger } from 'pino';
import { commands } from './commands/index.js';
import type { BotConfig } from './config.js';
import type { Clock } from './core/clock.js';
import type { Deps } from './core/deps.js';
import { Pipeline } from './core/pipeline.js';
import { Registry } from './core/registry.js';
import type { PlexusApi } from './plexus/types.js';
import { DigestService } from './watch/digest-service.js';

export interface App {
  deps: Deps;
  registry: Registry;
  pipeline: Pipeline;
}

/** Wires the core for any front door; tests build it against the fakes the same way. */
export function createApp(opts: { config: BotConfig; plexus: PlexusApi; logger: Logger; clock: Clock }): App {
  const deps: Deps = { plexus: opts.plexus, clock: opts.clock, logger: opts.logger, stateDir: opts.config.stateDir };
  deps.digests = new DigestService({ digests: opts.config.digests, plexus: opts.plexus, clock: opts.clock, logger: opts.logger, keys: opts.config.alerts?.keys ?? ['*'] });
  const registry = new Registry(commands);
  const pipeline = new Pipeline(deps, registry, { rules: opts.config.access }, { confirmTtlSeconds: opts.config.confirm.ttlSeconds });
  return { deps, registry, pipeline };
}
