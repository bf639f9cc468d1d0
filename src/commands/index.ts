import type { Command } from '../core/command.js';
import { alertCommands } from './alerts.js';
import { aliasCommands } from './aliases.js';
import { apiCommands } from './api.js';
import { backupCommands } from './backup.js';
import { configCommands } from './config.js';
import { cooldownCommands } from './cooldowns.js';
import { debugCommands } from './debug.js';
import { digestCommands } from './digest.js';
import { errorCommands } from './errors.js';
import { help } from './help.js';
import { keyCommands } from './keys.js';
import { loggingCommands } from './logging.js';
import { logsCommands } from './logs.js';
import { mcpCommands } from './mcp.js';
import { providerCommands } from './providers.js';
import { quotaCommands } from './quota.js';
import { quotaCheckerCommands } from './quotas.js';
import { runtimeCommands } from './runtime.js';
import { settingsCommands } from './settings.js';
import { usageCommands } from './usage.js';
import { userQuotaCommands } from './user-quotas.js';
import { whoami } from './whoami.js';

/** Every command, listed explicitly (no registration by import side effect). */
export const commands: readonly Command[] = [
  help,
  whoami,
  ...usageCommands,
  ...errorCommands,
  ...debugCommands,
  ...providerCommands,
  ...quotaCheckerCommands,
  ...aliasCommands,
  ...keyCommands,
  ...cooldownCommands,
  ...quotaCommands,
  ...userQuotaCommands,
  ...mcpCommands,
  ...settingsCommands,
  ...configCommands,
  ...runtimeCommands,
  ...loggingCommands,
  ...logsCommands,
  ...backupCommands,
  ...digestCommands,
  ...alertCommands,
  ...apiCommands,
] as Command[];
