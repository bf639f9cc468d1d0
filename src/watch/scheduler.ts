import { Cron } from 'croner';
import type { Logger } from 'pino';

/** A cron schedule in a time zone, used only to compute times (croner never runs a timer here). */
export class Schedule {
  private readonly cron: Cron | undefined;
  readonly problem: string | undefined;

  constructor(pattern: string, timezone: string) {
    let cron: Cron | undefined;
    let problem: string | undefined;
    try {
      cron = new Cron(pattern, { timezone });
    } catch (e) {
      problem = `invalid schedule "${pattern}": ${(e as Error).message.replace(/^CronPattern: /, '')}`;
    }
    this.cron = cron;
    this.problem = problem;
  }

  /** The first run strictly after `t`. */
  next(t: number): number | null {
    return this.cron?.nextRun(new Date(t))?.getTime() ?? null;
  }

  /** The latest run at or before `t`. */
  latest(t: number): number | null {
    return this.cron?.previousRuns(1, new Date(t + 1))[0]?.getTime() ?? null;
  }
}

/**
 * Runs `tick` again and again: the next wake-up is asked of `delayMs` after
 * each run. Ticks never overlap (a slow one delays the next), and a failing
 * tick is logged, never thrown.
 */
export class Loop {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly tick: () => Promise<void>,
    private readonly delayMs: () => number,
    private readonly logger: Logger,
  ) {}

  /** Runs one tick after the ones already queued. */
  runNow(): Promise<void> {
    const run = this.chain.then(() =>
      this.tick().catch((e: unknown) => {
        this.logger.error({ err: e }, 'watcher tick failed');
      }),
    );
    this.chain = run;
    return run;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    // setTimeout fires at once for delays above 2^31-1 ms.
    this.timer = setTimeout(
      () => {
        void this.runNow().then(() => this.schedule(this.safeDelay()));
      },
      Math.min(Math.max(0, ms), 2 ** 31 - 1),
    );
    this.timer.unref?.();
  }

  private safeDelay(): number {
    try {
      return this.delayMs();
    } catch (e) {
      this.logger.error({ err: e }, 'cannot compute the next watcher wake-up; retrying in a minute');
      return 60_000;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.chain;
  }
}

/** `base` ± `ratio` (default 10 %), so replicas and restarts do not poll in lockstep. */
export const jitter = (base: number, ratio = 0.1, random: () => number = Math.random): number =>
  Math.round(base * (1 + (random() * 2 - 1) * ratio));
