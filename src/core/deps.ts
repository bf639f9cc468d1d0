import type { Logger } from 'pino';
import type { PlexusApi } from '../plexus/types.js';
import type { Clock } from './clock.js';

/** Every effect the core and the commands use, passed in from main.ts (no singletons). */
export interface Deps {
  plexus: PlexusApi;
  clock: Clock;
  logger: Logger;
  /** Where private files (backups, exports) are written by the console. */
  stateDir: string;
}
