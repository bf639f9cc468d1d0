import type { Logger } from 'pino';
import PQueue from 'p-queue';
import pRetry from 'p-retry';
import type { ChannelPoster } from '../core/channel-poster.js';
import type { Reply } from '../render/reply.js';
import type { StateStore } from './state-store.js';

/** Where a watcher message goes: a poster and one of its channels. */
export interface Target {
  poster: ChannelPoster;
  channelId: string;
}

/**
 * The steps of a delivery, in order: `queued` (waiting for the rate limit),
 * `claimed` (lease taken, post not sent), `posted` (the platform took it, not
 * yet recorded), `recorded` (message id stored, claim permanent); for an
 * edit, `edited` (the platform took it).
 */
export type DeliveryStep = 'queued' | 'claimed' | 'posted' | 'recorded' | 'edited';

/** One finished post or edit, for metrics: digests are posts under a `post:digest:` claim; everything else is an alert. */
export interface DeliveryObservation {
  kind: 'alert' | 'digest';
  action: 'post' | 'edit';
  platform: string;
  outcome: 'ok' | 'failed';
}

export interface DeliveryOptions {
  /** Identifies this process in claims. */
  owner: string;
  /** Posts per channel per `intervalMs` (Slack: about 1 per second per channel). Default 1. */
  perChannel?: number;
  /** Default 1100 ms; 0 disables the rate limit. */
  intervalMs?: number;
  /** Extra attempts after a failed post or edit (default 3). */
  retries?: number;
  /** First retry delay (default 500 ms, doubling). */
  retryMinMs?: number;
  /** How long a claim on a post being sent holds before another process may send it instead (default 5 min). */
  leaseMs?: number;
  /** Called as a delivery passes each step (`ref`: the claim key of a post, the message id of an edit); awaited. */
  onStep?: (step: DeliveryStep, ref: string) => void | Promise<void>;
  /** Told of every post that went out or failed, and every edit; must not throw. */
  onDelivery?: (d: DeliveryObservation) => void;
}

export const targetKey = (t: Target): string => `${t.poster.platform}:${t.channelId}`;

/** A message posted under a claim; `fresh` when this call posted it, not an earlier attempt. */
export interface Posted {
  messageId: string | undefined;
  fresh: boolean;
}

const DEFAULT_LEASE_MS = 5 * 60_000;

/**
 * Posting and editing with a rate limit per channel and retries. A new
 * message is claimed with a lease just before it leaves (after the rate
 * limit wait), and its id is stored with the claim, made permanent, in one
 * write right after the platform answers: of several attempts (replicas, a
 * retry after a restart) one posts it, and a crash before the post leaves
 * costs only the lease time. The one window left: a crash after the
 * platform took the post but before the write; the lease then runs out and
 * the message is posted again (the platforms take no idempotency key).
 */
export class Delivery {
  private readonly queues = new Map<string, PQueue>();

  constructor(
    private readonly store: StateStore,
    private readonly logger: Logger,
    private readonly opts: DeliveryOptions,
  ) {}

  private queue(t: Target): PQueue {
    const k = targetKey(t);
    let q = this.queues.get(k);
    if (!q) {
      const interval = this.opts.intervalMs ?? 1100;
      q = interval > 0 ? new PQueue({ concurrency: 1, intervalCap: this.opts.perChannel ?? 1, interval }) : new PQueue({ concurrency: 1 });
      this.queues.set(k, q);
    }
    return q;
  }

  private retry<T>(what: string, t: Target, fn: () => Promise<T>): Promise<T> {
    return pRetry(fn, {
      retries: this.opts.retries ?? 3,
      minTimeout: this.opts.retryMinMs ?? 500,
      factor: 2,
      onFailedAttempt: (e) => {
        this.logger.warn(
          { err: e, platform: t.poster.platform, channel: t.channelId, attempt: e.attemptNumber, retriesLeft: e.retriesLeft },
          `${what} failed`,
        );
      },
    });
  }

  /**
   * Runs `work` while renewing the lease every third of its length: a post
   * can take longer than a lease (retries here, and the platform client's own
   * on a 429). A renewal refused means another process took the claim.
   */
  private async leased<T>(claimKey: string, token: string, leaseMs: number, work: () => Promise<T>): Promise<T> {
    let lost = false;
    const timer = setInterval(
      () => {
        this.store.renew(claimKey, token, leaseMs).then(
          (held) => {
            if (!held && !lost) {
              lost = true;
              this.logger.error({ claim: claimKey }, 'claim on a post in flight was lost; the message may show twice');
            }
          },
          (e: unknown) => this.logger.warn({ err: e, claim: claimKey }, 'cannot renew the claim on a post in flight'),
        );
      },
      Math.max(1, Math.floor(leaseMs / 3)),
    );
    timer.unref();
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  private async step(step: DeliveryStep, ref: string): Promise<void> {
    await this.opts.onStep?.(step, ref);
  }

  /**
   * Posts `reply` once under `claimKey`. Returns the message (posted now or
   * by an earlier attempt), or undefined while another attempt holds the
   * claim. Throws when every attempt failed; the claim is then released so
   * a later tick can try again.
   */
  async postOnce(claimKey: string, t: Target, reply: Reply): Promise<Posted | undefined> {
    const kind = claimKey.startsWith('post:digest:') ? 'digest' : 'alert';
    const observe = (outcome: DeliveryObservation['outcome']) =>
      this.opts.onDelivery?.({ kind, action: 'post', platform: t.poster.platform, outcome });
    const earlier = await this.done(claimKey);
    if (earlier) return earlier;
    await this.step('queued', claimKey);
    return this.queue(t).add(async () => {
      const leaseMs = this.opts.leaseMs ?? DEFAULT_LEASE_MS;
      const token = await this.store.claim(claimKey, this.opts.owner, leaseMs);
      if (!token) return this.done(claimKey);
      let messageId: string;
      try {
        await this.step('claimed', claimKey);
        const post = () => this.retry('post', t, () => t.poster.post(t.channelId, reply));
        ({ messageId } = await this.leased(claimKey, token, leaseMs, post));
      } catch (e) {
        observe('failed');
        await this.store.release(claimKey, token);
        throw e;
      }
      observe('ok');
      await this.step('posted', claimKey);
      // The message is out: failing to note it would post it again once the lease runs out, so this write is retried too.
      const again = { retries: this.opts.retries ?? 3, minTimeout: this.opts.retryMinMs ?? 500 };
      const recorded = await pRetry(() => this.store.complete(claimKey, token, messageId), again);
      if (!recorded) {
        const where = { claim: claimKey, platform: t.poster.platform, channel: t.channelId, messageId };
        this.logger.error(where, 'posted after the claim ran out; the message may show twice');
      }
      await this.step('recorded', claimKey);
      return { messageId, fresh: true };
    });
  }

  private async done(claimKey: string): Promise<Posted | undefined> {
    const c = await this.store.completed<string>(claimKey);
    return c ? { messageId: c.result, fresh: false } : undefined;
  }

  /** Replaces a message posted earlier (idempotent, so no claim). */
  async update(t: Target, messageId: string, reply: Reply): Promise<void> {
    const observe = (outcome: DeliveryObservation['outcome']) =>
      this.opts.onDelivery?.({ kind: 'alert', action: 'edit', platform: t.poster.platform, outcome });
    try {
      await this.queue(t).add(() => this.retry('edit', t, () => t.poster.update(t.channelId, messageId, reply)));
    } catch (e) {
      observe('failed');
      throw e;
    }
    observe('ok');
    await this.step('edited', messageId);
  }

  /** Posts and edits waiting or in flight, over every channel. */
  get queued(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.size + q.pending;
    return n;
  }

  /** Waits for queued posts (stop). */
  async idle(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.onIdle()));
  }
}
