import type { Command } from '../core/command.js';
import { cooldownCommands } from './cooldowns.js';
import { errorCommands } from './errors.js';
import { help } from './help.js';
import { keyCommands } from './keys.js';
import { providerCommands } from './providers.js';
import { quotaCommands } from './quota.js';
import { usageCommands } from './usage.js';
import { whoami } from './whoami.js';

/** Every command, listed explicitly (no registration by import side effect). */
export const commands: readonly Command[] = [
  help,
  whoami,
  ...usageCommands,
  ...errorCommands,
  ...providerCommands,
  ...keyCommands,
  ...cooldownCommands,
  ...quotaCommands,
] as Command[];
