import type { Logger } from 'pino';
import { startDiscord } from '../adapters/discord/index.js';
import { startSlack } from '../adapters/slack/index.js';
import type { App } from './app.js';
import type { BotConfig } from './config.js';
import type { ChannelPoster } from './core/channel-poster.js';
import { startOpsServer, type HttpRoute } from './ops/endpoints.js';

export interface Running {
  name: string;
  stop(): Promise<void>;
}

/** Starts every chat platform whose credentials are set. Stops what started if a later one fails. */
export async function startPlatforms(opts: {
  app: App;
  config: BotConfig;
  logger: Logger;
  /** /healthz, /readyz, /metrics: on Slack's HTTP receiver, or on a listener of their own on PORT. */
  routes?: HttpRoute[];
}): Promise<{ running: Running[]; posters: ChannelPoster[]; port?: number }> {
  const { app, config, logger, routes } = opts;
  const running: Running[] = [];
  const posters: ChannelPoster[] = [];
  const slackHttp = Boolean(config.slack && !config.slack.appToken);
  const ownListener = routes !== undefined && !slackHttp && Boolean(config.slack || config.discord);
  let port: number | undefined;
  try {
    if (ownListener) {
      const ops = await startOpsServer(routes, config.port);
      port = ops.port;
      running.push({ name: `HTTP on port ${ops.port} (/healthz, /readyz, /metrics)`, stop: () => ops.close() });
    }
    if (config.slack) {
      const slack = await startSlack({ app, config, logger, ...(ownListener ? {} : { port: config.port }), ...(routes ? { routes } : {}) });
      if (slackHttp) port = slack.port;
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
  return { running, posters, ...(port === undefined ? {} : { port }) };
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
