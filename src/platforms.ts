import type { Logger } from 'pino';
import { startDiscord } from '../adapters/discord/index.js';
import { startSlack } from '../adapters/slack/index.js';
import type { App } from './app.js';
import type { BotConfig } from './config.js';
import type { ChannelPoster } from './core/channel-poster.js';

export interface Running {
  name: string;
  stop(): Promise<void>;
}

/** Starts every chat platform whose credentials are set. Stops what started if a later one fails. */
export async function startPlatforms(opts: {
  app: App;
  config: BotConfig;
  logger: Logger;
}): Promise<{ running: Running[]; posters: ChannelPoster[] }> {
  const { app, config, logger } = opts;
  const running: Running[] = [];
  const posters: ChannelPoster[] = [];
  try {
    if (config.slack) {
      const slack = await startSlack({ app, config, logger, port: config.port });
      running.push({
        name: config.slack.appToken ? 'Slack (Socket Mode)' : `Slack (HTTP on port ${slack.port ?? config.port})`,
        stop: () => slack.stop(),
      });
      posters.push(slack.poster);
    }
    if (config.discord) {
      const discord = await startDiscord({ app, config, logger });
      running.push({
        name: `Discord (${config.discord.guildId ? `guild ${config.discord.guildId}` : 'global commands'})`,
        stop: () => discord.stop(),
      });
      posters.push(discord.poster);
    }
  } catch (e) {
    await stopAll(running, logger);
    throw e;
  }
  return { running, posters };
}

export async function stopAll(running: Running[], logger: Logger): Promise<void> {
  for (const r of [...running].reverse()) {
    try {
      await r.stop();
    } catch (e) {
      logger.warn({ err: e, platform: r.name }, 'stopping failed');
    }
  }
}
