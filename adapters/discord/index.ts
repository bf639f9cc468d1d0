/**
 * Discord front door over the gateway (discord.js). Only translation: slash
 * commands and clicks become pipeline calls, Replies become embeds.
 */
import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { Logger } from 'pino';
import type { App } from '../../src/app.js';
import type { BotConfig } from '../../src/config.js';
import type { ChannelPoster } from '../../src/core/channel-poster.js';
import { handleAutocomplete } from './autocomplete.js';
import { buildCommandDefinition, type CommandDefinition } from './command-definition.js';
import { handleButton, handleChatInput, once, type HandlerDeps } from './interactions.js';
import { LiveNames } from './live-names.js';
import { ActionRefs } from './messages.js';
import { discordPoster } from './poster.js';
import { syncCommands } from './register.js';
import { safeError } from './safe-error.js';

export { buildCommandDefinition } from './command-definition.js';
export { renderReply, splitForDiscord } from './embeds.js';

export interface DiscordHandle {
  stop(): Promise<void>;
  poster: ChannelPoster;
  client: Client;
  definition: CommandDefinition;
}

export interface DiscordOptions {
  app: App;
  config: BotConfig;
  logger: Logger;
  /** How long to wait for the gateway's READY (default 30 s). */
  readyTimeoutMs?: number;
  /** Autocomplete: how long to wait for Plexus before answering from the cache (default 1.5 s). */
  autocompleteWaitMs?: number;
  /** Buttons: how long a click may run before the update is deferred (default 1.5 s). */
  buttonWaitMs?: number;
  /** Largest attachment accepted (restore's backup); default 25 MiB. */
  maxAttachmentBytes?: number;
  /** Autocomplete cache lifetime (default 30 s). */
  namesTtlMs?: number;
  /** Called when the bot has finished with an interaction (for metrics and tests). */
  onInteractionDone?: (done: { id: string; kind: 'command' | 'autocomplete' | 'button'; error?: unknown }) => void;
}

async function loginAndWait(client: Client, token: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Discord gateway not ready after ${timeoutMs} ms`)), timeoutMs);
    client.once(Events.ClientReady, () => resolve());
  });
  try {
    await Promise.all([client.login(token), ready]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startDiscord(opts: DiscordOptions): Promise<DiscordHandle> {
  const d = opts.config.discord;
  if (!d) throw new Error('Discord is not configured: set DISCORD_TOKEN and DISCORD_APPLICATION_ID');
  const logger = opts.logger.child({ platform: 'discord' });
  const definition = buildCommandDefinition(opts.app.registry.all());
  if (definition.folded.length > 0)
    logger.info({ folded: definition.folded.map((c) => c.name) }, 'discord: commands reachable through /plexus run only');

  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: d.apiUrl } });
  const refs = new ActionRefs(opts.app.state, { now: () => opts.app.deps.clock.now() });
  const policy = { rules: opts.config.access };
  const deps: HandlerDeps = {
    app: opts.app,
    definition,
    refs,
    logger,
    ...(opts.buttonWaitMs !== undefined ? { buttonWaitMs: opts.buttonWaitMs } : {}),
    ...(opts.maxAttachmentBytes !== undefined ? { maxAttachmentBytes: opts.maxAttachmentBytes } : {}),
  };
  const names = new LiveNames({
    plexus: opts.app.deps.plexus,
    logger,
    ...(opts.namesTtlMs !== undefined ? { ttlMs: opts.namesTtlMs } : {}),
  });
  const autocomplete = { definition, names, registry: opts.app.registry, policy, logger, waitMs: opts.autocompleteWaitMs ?? 1500 };

  client.on(Events.InteractionCreate, (i) => {
    let task: Promise<void> | undefined;
    let kind: 'command' | 'autocomplete' | 'button' = 'command';
    if (i.isChatInputCommand() && i.commandName === definition.json.name) task = once(deps, i.id, () => handleChatInput(i, deps));
    else if (i.isAutocomplete() && i.commandName === definition.json.name)
      [kind, task] = ['autocomplete', handleAutocomplete(i, autocomplete)];
    else if (i.isButton()) [kind, task] = ['button', once(deps, i.id, () => handleButton(i, deps))];
    task?.then(
      () => opts.onInteractionDone?.({ id: i.id, kind }),
      (e: unknown) => {
        logger.error({ err: safeError(e), interactionId: i.id }, 'discord: interaction failed');
        opts.onInteractionDone?.({ id: i.id, kind, error: e });
      },
    );
  });
  client.on(Events.Error, (e) => logger.error({ err: safeError(e) }, 'discord: client error'));
  client.on(Events.ShardDisconnect, (event, shard) => logger.warn({ shard, code: event.code }, 'discord: gateway disconnected'));
  client.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, 'discord: gateway session resumed'));

  try {
    await loginAndWait(client, d.token, opts.readyTimeoutMs ?? 30_000);
  } catch (e) {
    await client.destroy();
    throw e;
  }
  logger.info({ user: client.user?.tag }, 'discord: connected');
  if (client.application && client.application.id !== d.applicationId) {
    logger.warn(
      { configured: d.applicationId, ofToken: client.application.id },
      'discord: DISCORD_APPLICATION_ID is not the application of DISCORD_TOKEN; registering /plexus will fail',
    );
  }

  try {
    const result = await syncCommands(client.rest, {
      applicationId: d.applicationId,
      ...(d.guildId ? { guildId: d.guildId } : {}),
      command: definition.json,
    });
    logger.info({ result, scope: d.guildId ? `guild ${d.guildId}` : 'global' }, 'discord: /plexus registration');
  } catch (e) {
    logger.error({ err: safeError(e) }, 'discord: registering /plexus failed; the bot answers the definition Discord already has');
  }

  return {
    client,
    definition,
    poster: discordPoster(client.rest, refs),
    stop: async () => {
      client.removeAllListeners();
      await client.destroy();
    },
  };
}
