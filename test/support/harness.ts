import type { Logger } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { loadConfig, type BotConfig } from '../../src/config.js';
import type { Actor } from '../../src/core/actor.js';
import type { Clock, Timer } from '../../src/core/clock.js';
import type { Outcome } from '../../src/core/pipeline.js';
import type { AccessRule } from '../../src/core/policy.js';
import type { DemoSeed } from '../../src/demo/types.js';
import type { DemoState } from '../../src/demo/state.js';
import { createLogger } from '../../src/log.js';
import { createPlexusClient } from '../../src/plexus/client.js';
import type { PlexusApi } from '../../src/base/plexus-api.js';
import { renderText } from '../../src/render/text.js';
import { MemoryStore, type StateStore } from '../../src/watch/index.js';
import { wireBot, type Bot } from '../../src/wiring.js';
import { startFakePlexus, type FakePlexus, type RecordedRequest } from '../fakes/plexus.js';

/** Where every test clock starts. */
export const T0 = Date.parse('2026-11-26T12:00:00Z');

/** A clock that moves only when told; its timers run when `advance` reaches them (setting `t` runs none). */
export class FakeClock implements Clock {
  #timers: { at: number; seq: number; fn: () => void }[] = [];
  #seq = 0;
  constructor(public t = T0) {}
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): Timer {
    const timer = { at: this.t + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.push(timer);
    return { cancel: () => void (this.#timers = this.#timers.filter((x) => x !== timer)) };
  }
  /** Back to `t` with no timers (for the next test). */
  reset(t = T0): void {
    this.t = t;
    this.#timers = [];
  }
  /** Timers not yet run or cancelled. */
  get pendingTimers(): number {
    return this.#timers.length;
  }
  /** Moves time on by `ms`, running each timer due on the way at its own time, in order (also those they set). */
  advance(ms: number): void {
    const until = this.t + ms;
    for (;;) {
      const due = this.#timers.filter((x) => x.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = until;
  }
}

export const consoleUser: Actor = { platform: 'console', userId: 'alice', channelId: 'console', groups: [] };
export const slackUser = (userId = 'U0ALICE', channelId = 'C0LLMOPS', groups: string[] = []): Actor => ({
  platform: 'slack',
  userId,
  channelId,
  groups,
});

export interface Harness {
  fake: FakePlexus;
  app: Bot;
  plexus: PlexusApi;
  logger: Logger;
  /** Every serialized log line. */
  logs: string[];
  clock: FakeClock;
  run(text: string, actor?: Actor): Promise<Outcome>;
  /** Runs and answers the confirmation with the same actor. */
  runConfirmed(text: string, actor?: Actor): Promise<Outcome>;
  /** Answers a pending confirmation (as the console user unless told). */
  confirm(id: string, actor?: Actor): Promise<Outcome>;
  text(o: Outcome): string;
  /** The fake's state, live. */
  state(): DemoState;
  /** Requests to the management API (`/v0/…`) since the last reset, optionally of one method. */
  calls(method?: string): RecordedRequest[];
  /** Management requests that are not GETs. */
  writes(): RecordedRequest[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  access?: AccessRule[] | null;
  ttlSeconds?: number;
  timeoutMs?: number;
  concurrency?: number;
  /** A fake to talk to, closed by the caller; without it the harness starts one and closes it. */
  fake?: FakePlexus;
  /** For the fake the harness starts: its seed, its admin key, and whether its clock is the harness clock (else real time). */
  seed?: DemoSeed;
  adminKey?: string;
  fakeFollowsClock?: boolean;
  /** The bot's state store (default: in memory). */
  store?: StateStore;
}

const fakeOptions = (opts: HarnessOptions, clock: Clock) => ({
  seed: opts.seed,
  adminKey: opts.adminKey,
  ...(opts.fakeFollowsClock ? { now: () => clock.now() } : {}),
});

/** The bot wired to a Plexus fake the way main wires it (src/wiring.ts): a masking logger that collects its lines, and a client. */
export function wireApp(opts: {
  fake: FakePlexus;
  clock: Clock;
  config: BotConfig;
  logs: string[];
  timeoutMs?: number;
  concurrency?: number;
  /** The bot's state store (default: in memory, on the test clock). */
  store?: StateStore;
}): { logger: Logger; plexus: PlexusApi; app: Bot } {
  const { fake, clock, config, logs } = opts;
  const logger = createLogger({ level: 'debug', secrets: () => [fake.adminKey], destination: { write: (l: string) => void logs.push(l) } });
  const plexus = createPlexusClient({
    baseUrl: fake.url,
    adminKey: fake.adminKey,
    logger,
    retryMinMs: 1,
    timeoutMs: opts.timeoutMs ?? 1000,
    concurrency: opts.concurrency ?? 4,
  });
  const store = opts.store ?? new MemoryStore(() => clock.now());
  return { logger, plexus, app: wireBot({ config, plexus, logger, clock, store }) };
}

export async function startHarness(opts: HarnessOptions & { clock?: FakeClock } = {}): Promise<Harness> {
  const clock = opts.clock ?? new FakeClock();
  const fake = opts.fake ?? (await startFakePlexus(fakeOptions(opts, clock)));
  const logs: string[] = [];
  const base = loadConfig({});
  const config: BotConfig = {
    ...base,
    plexus: { baseUrl: fake.url, adminKey: fake.adminKey, concurrency: opts.concurrency ?? 4, timeoutMs: opts.timeoutMs ?? 1000 },
    access: opts.access === undefined ? null : opts.access,
    confirm: { ttlSeconds: opts.ttlSeconds ?? 120 },
  };
  const { logger, plexus, app } = wireApp({
    fake,
    clock,
    config,
    logs,
    timeoutMs: opts.timeoutMs,
    concurrency: opts.concurrency,
    ...(opts.store ? { store: opts.store } : {}),
  });
  const run = (text: string, actor: Actor = consoleUser) => app.pipeline.handle({ actor, text });
  const calls = (method?: string) => fake.requests.filter((r) => r.path.startsWith('/v0/') && (!method || r.method === method));
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
    confirm: (id, actor = consoleUser) => app.pipeline.confirm(id, actor),
    text: (o) => renderText(o.reply),
    state: () => fake.gateway.state,
    calls,
    writes: () => calls().filter((r) => r.method !== 'GET'),
    async close() {
      await plexus.close();
      if (!opts.fake) await fake.close();
    },
  };
}

/** Access for most command tests: the console may do anything, Slack users may read. */
export const consoleAllSlackRead: AccessRule[] = [
  { platform: 'console', tier: 'destructive' },
  { platform: 'slack', tier: 'read' },
];

/** Before each test: no faults, an empty request log, the gateway back to its seed. */
export function freshFake(fake: FakePlexus): void {
  fake.reset();
  fake.resetState();
}

/** Reads `current()` through a proxy so a test file can hold it in a const; read it only inside tests and hooks. */
function proxyTo<T extends object>(name: string, current: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_target, key) {
      const c = current();
      if (!c) throw new Error(`The ${name} is not started: read ${String(key)} inside a test or a hook.`);
      return Reflect.get(c, key);
    },
  });
}

/**
 * A harness per test: a fresh app, client, log and clock (at T0) over fresh fake state. The fake's
 * server is started once for the file (seeding it is the costly part) and put back to its seed before each test.
 */
export function useHarness(opts: HarnessOptions = {}): Harness {
  const clock = new FakeClock();
  let fake: FakePlexus | undefined;
  let current: Harness | undefined;
  beforeAll(async () => {
    fake = opts.fake ?? (await startFakePlexus(fakeOptions(opts, clock)));
  });
  beforeEach(async () => {
    clock.reset();
    freshFake(fake!);
    current = await startHarness({ ...opts, fake: fake!, clock });
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  afterAll(async () => {
    if (fake && !opts.fake) await fake.close();
  });
  return proxyTo('harness', () => current);
}

/** One Plexus fake for the whole test file, put back to its seed (faults and request log cleared) before each test. */
export function useFakePlexus(opts: Parameters<typeof startFakePlexus>[0] = {}): FakePlexus {
  let fake: FakePlexus | undefined;
  beforeAll(async () => {
    fake = await startFakePlexus(opts);
  });
  beforeEach(() => freshFake(fake!));
  afterAll(async () => {
    await fake?.close();
  });
  return proxyTo('Plexus fake', () => fake);
}
