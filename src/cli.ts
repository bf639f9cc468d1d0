import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { consoleActor, runConsole } from '../adapters/console/console-adapter.js';
import { commands } from './commands/index.js';
import { ConfigError, loadConfig, type BotConfig } from './config.js';
import { catalog } from './core/catalog.js';
import { systemClock } from './core/clock.js';
import { startDemoGateway } from './demo/gateway.js';
import { demoSecrets } from './demo/seed.js';
import { createLogger } from './log.js';
import { BotMetrics } from './ops/index.js';
import { createPlexusClient } from './plexus/client.js';
import { openBotState, startChat, wireBot } from './wiring.js';

const USAGE = `Usage: npm start -- [--console] [--catalog]
  --console   run the terminal front end even when platform credentials are set
  --catalog   print the command catalogue as JSON and exit`;

function knownSecrets(config: BotConfig, extra: string[]): string[] {
  return [
    config.plexus.adminKey,
    config.slack?.botToken,
    config.slack?.signingSecret,
    config.slack?.appToken,
    config.discord?.token,
    databasePassword(config.databaseUrl),
    ...extra,
  ].filter((s): s is string => typeof s === 'string' && s.length >= 8);
}

function databasePassword(url: string | undefined): string | undefined {
  if (!url || !URL.canParse(url)) return undefined;
  return decodeURIComponent(new URL(url).password) || undefined;
}

/** One line for a state store that did not open; the database password never in it, whatever the cause said. */
function openProblem(e: unknown, config: BotConfig): string {
  const password = databasePassword(config.databaseUrl);
  const raw = String((e as Error)?.message ?? e)
    .replace(/\s+/g, ' ')
    .trim();
  return password ? raw.split(password).join('***') : raw;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let flags: { console?: boolean; catalog?: boolean; help?: boolean };
  try {
    flags = parseArgs({
      args: argv,
      options: { console: { type: 'boolean' }, catalog: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (flags.catalog) {
    process.stdout.write(`${JSON.stringify(catalog(commands), null, 2)}\n`);
    return 0;
  }

  let config: BotConfig;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const problems = e.problems.map((p) => `  ${p.key}: found ${p.found}, expected ${p.expected}`).join('\n');
    process.stderr.write(`Configuration problems (the bot did not start):\n${problems}\n`);
    return 2;
  }

  const demoKey = randomBytes(24).toString('hex');
  const demo = config.plexus.baseUrl ? undefined : await startDemoGateway({ adminKey: demoKey });
  const logger = createLogger({
    level: config.logLevel,
    replica: config.replicaId,
    secrets: () => knownSecrets(config, demo ? [demoKey, ...demoSecrets(demo.gateway.state)] : []),
  });
  const metrics = new BotMetrics({ replica: config.replicaId, processMetrics: true });
  const plexus = createPlexusClient({
    baseUrl: demo?.url ?? config.plexus.baseUrl!,
    adminKey: demo ? demoKey : config.plexus.adminKey!,
    concurrency: config.plexus.concurrency,
    timeoutMs: config.plexus.timeoutMs,
    logger,
    demo: Boolean(demo),
    onCall: metrics.onPlexusCall,
  });
  const chatMode = Boolean((config.slack || config.discord) && !flags.console);
  let store: Awaited<ReturnType<typeof openBotState>>;
  try {
    store = await openBotState({ config, logger, clock: systemClock, console: !chatMode });
  } catch (e) {
    process.stderr.write(`plexus-chatops could not open its state: ${openProblem(e, config)}\n`);
    await plexus.close();
    await demo?.close();
    return 2;
  }
  const bot = wireBot({ config, plexus, logger, clock: systemClock, store, metrics });
  if (chatMode) {
    let chat: Awaited<ReturnType<typeof startChat>>;
    try {
      chat = await startChat(bot, config, logger);
    } catch (e) {
      logger.error({ err: e }, 'a chat platform did not start');
      process.stderr.write(`plexus-chatops could not start: ${(e as Error).message}\n`);
      await store.close();
      await plexus.close();
      return 1;
    }
    if (config.access === null) logger.warn('no config file (plexus-bot.yml): chat users are refused until access rules grant them a tier');
    logger.info({ platforms: chat.platforms, plexus: config.plexus.baseUrl }, 'plexus-chatops is running');
    // `on`, not `once`: signal-exit (under proper-lockfile) re-raises a signal that no other listener is left for.
    await new Promise<void>((done) => {
      for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => done());
    });
    await chat.stop();
    await store.close();
    await plexus.close();
    return 0;
  }
  if (config.access === null) logger.debug('no config file: the console has every tier, chat platforms none');

  const interactive = Boolean(process.stdin.isTTY);
  const banner = demo
    ? 'plexus-chatops console: DEMO gateway with sample data ' +
      '(set PLEXUS_BASE_URL and PLEXUS_ADMIN_KEY for a real Plexus). Type `help`, `exit` to leave.'
    : `plexus-chatops console for ${config.plexus.baseUrl}. Type \`help\`, \`exit\` to leave.`;
  const status = await runConsole({
    pipeline: bot.pipeline,
    input: process.stdin,
    output: process.stdout,
    interactive,
    actor: consoleActor(),
    banner,
    fileDir: config.stateDir,
  });
  await store.close();
  await plexus.close();
  await demo?.close();
  return status;
}
