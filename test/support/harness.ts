import type { Logger } from 'pino';
import { createApp, type App } from '../../src/app.js';
import { loadConfig, type BotConfig } from '../../src/config.js';
import type { Actor } from '../../src/core/actor.js';
import type { Clock } from '../../src/core/clock.js';
import type { Outcome } from '../../src/core/pipeline.js';
import type { AccessRule } from '../../src/core/policy.js';
import { createLogger } from '../../src/log.js';
import { createPlexusClient } from '../../src/plexus/client.js';
import type { PlexusApi } from '../../src/plexus/types.js';
import { renderText } from '../../src/render/text.js';
import { startFakePlexus, type FakePlexus } from '../fakes/plexus.js';

export class FakeClock implements Clock {
  constructor(public t = Date.parse('2026-11-26T12:00:00Z')) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export const consoleUser: Actor = { platform: 'console', userId: 'alice', channelId: 'console', groups: [] };
export const slackUser = (userId = 'U0ALICE', channelId = 'C0LLMOPS', groups: string[] = []): Actor => ({ platform: 'slack', userId, channelId, groups });

export interface Harness {
  fake: FakePlexus;
  app: App;
  plexus: PlexusApi;
  logger: Logger;
  /** Every serialized log line. */
  logs: string[];
  clock: FakeClock;
  run(text: string, actor?: Actor): Promise<Outcome>;
  /** Runs and answers the confirmation with the same actor. */
  runConfirmed(text: string, actor?: Actor): Promise<Outcome>;
  text(o: Outcome): string;
  close(): Promise<void>;
}

export async function startHarness(opts: { access?: AccessRule[] | null; ttlSeconds?: number; timeoutMs?: number; concurrency?: number; fake?: FakePlexus } = {}): Promise<Harness> {
  const fake = opts.fake ?? (await startFakePlexus());
  const logs: string[] = [];
  const clock = new FakeClock();
  const logger = createLogger({ level: 'debug', secrets: () => [fake.adminKey], destination: { write: (l: string) => void logs.push(l) } });
  const plexus = createPlexusClient({ baseUrl: fake.url, adminKey: fake.adminKey, logger, retryMinMs: 1, timeoutMs: opts.timeoutMs ?? 1000, concurrency: opts.concurrency ?? 4 });
  const base = loadConfig({});
  const config: BotConfig = {
    ...base,
    plexus: { baseUrl: fake.url, adminKey: fake.adminKey, concurrency: opts.concurrency ?? 4, timeoutMs: opts.timeoutMs ?? 1000 },
    access: opts.access === undefined ? null : opts.access,
    confirm: { ttlSeconds: opts.ttlSeconds ?? 120 },
  };
  const app = createApp({ config, plexus, logger, clock });
  const run = (text: string, actor: Actor = consoleUser) => app.pipeline.handle({ actor, text });
  return {
    fake,
    app,
    plexus,
    logger,
    logs,
    clock,
    run,
    async runConfirmed(text, actor = consoleUser) {
      const asked = await run(text, actor);
      if (asked.status !== 'pending' || !asked.confirmationId) return asked;
      return app.pipeline.confirm(asked.confirmationId, actor);
    },
    text: (o) => renderText(o.reply),
    async close() {
      await plexus.close();
      if (!opts.fake) await fake.close();
    },
  };
}
