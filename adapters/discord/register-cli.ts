/**
 * `npm run discord:register [-- --force]`: registers `/plexus` (in
 * DISCORD_GUILD_ID when set, else globally) without starting the bot.
 */
import { REST } from 'discord.js';
import { commands } from '../../src/commands/index.js';
import { type BotConfig, ConfigError, formatProblem, loadConfig } from '../../src/config.js';
import { commandChars } from './discord-limits.js';
import { buildCommandDefinition } from './command-definition.js';
import { syncCommands } from './register.js';

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let config: BotConfig;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`Configuration problems:\n${e.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}\n`);
    return 2;
  }
  if (!config.discord) {
    process.stderr.write('Set DISCORD_TOKEN and DISCORD_APPLICATION_ID (and DISCORD_GUILD_ID to register in one guild).\n');
    return 2;
  }
  const definition = buildCommandDefinition(commands);
  const rest = new REST({ api: config.discord.apiUrl }).setToken(config.discord.token);
  const result = await syncCommands(rest, {
    applicationId: config.discord.applicationId,
    ...(config.discord.guildId ? { guildId: config.discord.guildId } : {}),
    command: definition.json,
    force: argv.includes('--force'),
  });
  const scope = config.discord.guildId ? `in guild ${config.discord.guildId}` : 'globally (may take up to an hour to appear)';
  process.stdout.write(
    `/${definition.json.name} ${result} ${scope}: ` +
      `${definition.routes.size} subcommands, ${commandChars(definition.json)} of 8000 characters.\n`,
  );
  if (definition.folded.length > 0)
    process.stdout.write(`Reachable through /${definition.json.name} run only: ${definition.folded.map((c) => c.name).join(', ')}\n`);
  return 0;
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`Registering the Discord command failed: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
