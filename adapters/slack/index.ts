/**
 * Slack through Bolt: HTTP (signed requests on /slack/events, plus
 * /healthz) or Socket Mode (SLACK_APP_TOKEN). Every Web API call goes to
 * SLACK_API_URL.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App as BoltApp, HTTPReceiver, SocketModeReceiver, webApi, type CustomRoute, type Receiver } from '@slack/bolt';
import type { Logger } from 'pino';
import type { App } from '../../src/app.js';
import type { BotConfig } from '../../src/config.js';
import type { ChannelPoster } from '../../src/core/channel-poster.js';
import { boltLogger } from './bolt-logger.js';
import { SlackChannelPoster } from './channel-poster.js';
import { KeyedQueues } from './conversation.js';
import { DirectMessages } from './files.js';
import { registerHandlers } from './handlers.js';
import { UserGroups } from './identity.js';

export { renderBlockKit, splitForSlack } from './block-kit.js';

export interface SlackOptions {
  app: App;
  config: BotConfig;
  logger: Logger;
  /** HTTP mode: where Slack's requests arrive (default config.port). Socket Mode: /healthz only, and only when given. */
  port?: number;
  host?: string;
  /** Socket Mode timings (tests use small ones). */
  receiverOptions?: { clientPingTimeout?: number; serverPingTimeout?: number };
  /** Web API client: retries (429s are retried after Retry-After) and the per-call timeout. */
  clientOptions?: { retryConfig?: webApi.RetryOptions; timeout?: number };
  /** The slash command (default `/plexus`). */
  command?: string;
  /** How long user groups are cached (default 60 s). */
  groupsTtlMs?: number;
  /** A "working…" note goes to the requester when an answer takes longer (default 2.5 s). */
  workingNoticeMs?: number;
  /** An answer needing more messages than this is sent as a file (default 3). */
  maxParts?: number;
  /** Largest file a user may share with a command (default 50 MB). */
  maxFileBytes?: number;
  /** HTTP mode: GET routes served beside /slack/events instead of the built-in /healthz (the bot's /healthz, /readyz, /metrics). */
  routes?: { path: string; handler(req: IncomingMessage, res: ServerResponse): void }[];
}

export interface SlackHandle {
  stop(): Promise<void>;
  poster: ChannelPoster;
  /** The HTTP port listened on, when there is a listener. */
  port?: number;
}

const health: CustomRoute = {
  path: '/healthz',
  method: ['GET'],
  handler: (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  },
};

/** Socket Mode has no HTTP server of its own; this one answers /healthz for container checks. */
async function healthServer(port: number, host?: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/healthz') return health.handler(req as never, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

const settle = (work: Iterable<Promise<unknown>>, ms: number) =>
  Promise.race([Promise.allSettled([...work]), new Promise((r) => setTimeout(r, ms).unref())]);

export async function startSlack(opts: SlackOptions): Promise<SlackHandle> {
  const slack = opts.config.slack;
  if (!slack) throw new Error('Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN)');
  const logger = opts.logger.child({ platform: 'slack' });
  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: slack.apiUrl,
    retryConfig: opts.clientOptions?.retryConfig ?? webApi.retryPolicies.fiveRetriesInFiveMinutes,
    timeout: opts.clientOptions?.timeout ?? 30_000,
  };
  const log = boltLogger(logger);
  let receiver: Receiver;
  let socket: SocketModeReceiver | undefined;
  if (slack.appToken) {
    receiver = socket = new SocketModeReceiver({
      appToken: slack.appToken,
      logger: log,
      ...opts.receiverOptions,
      // The Socket Mode client opens connections with its own Web API client (and keeps its own
      // retry policy for apps.connections.open, which must outlast a long Slack outage).
      installerOptions: { clientOptions: { slackApiUrl: slack.apiUrl, timeout: clientOptions.timeout } },
    });
  } else {
    if (!slack.signingSecret) throw new Error('SLACK_SIGNING_SECRET is needed for Slack over HTTP');
    const customRoutes = opts.routes?.map((r): CustomRoute => ({ path: r.path, method: ['GET'], handler: r.handler })) ?? [health];
    receiver = new HTTPReceiver({ signingSecret: slack.signingSecret, endpoints: '/slack/events', customRoutes, logger: log });
  }
  const bolt = new BoltApp({ token: slack.botToken, receiver, clientOptions, logger: log, deferInitialization: true });
  await bolt.init(); // auth.test: a wrong token stops here

  const queues = new KeyedQueues();
  const inFlight = new Set<Promise<unknown>>();
  registerHandlers(bolt, {
    pipeline: opts.app.pipeline,
    client: bolt.client,
    queues,
    logger,
    dms: new DirectMessages(bolt.client),
    groups: new UserGroups(bolt.client, opts.app.deps.clock, logger, opts.groupsTtlMs ?? 60_000),
    command: opts.command ?? '/plexus',
    workingNoticeMs: opts.workingNoticeMs ?? 2500,
    maxParts: opts.maxParts ?? 3,
    maxFileBytes: opts.maxFileBytes ?? 50 * 1024 * 1024,
    botToken: slack.botToken,
    apiUrl: slack.apiUrl,
    inFlight,
    deliveries: opts.app.deliveries,
  });

  let port: number | undefined;
  let health2: Server | undefined;
  if (slack.appToken) {
    await bolt.start();
    if (opts.port !== undefined) {
      health2 = await healthServer(opts.port, opts.host);
      port = (health2.address() as AddressInfo).port;
    }
  } else {
    const server = (await bolt.start({ port: opts.port ?? opts.config.port, ...(opts.host ? { host: opts.host } : {}) })) as Server;
    port = (server.address() as AddressInfo).port;
  }
  logger.info({ mode: slack.appToken ? 'socket' : 'http', port }, 'Slack adapter started');

  return {
    poster: new SlackChannelPoster(bolt.client, queues),
    port,
    async stop() {
      // SocketModeReceiver.stop does not wait for the close handshake; the client's disconnect does.
      if (socket) await socket.client.disconnect();
      else await bolt.stop();
      if (health2) await new Promise<void>((r) => health2!.close(() => r()));
      // Let answers being computed or sent finish (bounded).
      await settle(inFlight, 10_000);
      await settle([queues.idle()], 5_000);
    },
  };
}
