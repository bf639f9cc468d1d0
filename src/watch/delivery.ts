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
}

export const targetKey = (t: Target): string => `${t.poster.platform}:${t.channelId}`;

/**
 * Posting and editing with a rate limit per channel and retries. A new
 * message is claimed before it is posted, so of several attempts (replicas,
 * or a retry after a restart) at most one posts it.
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
        this.logger.warn({ err: e, platform: t.poster.platform, channel: t.channelId, attempt: e.attemptNumber, retriesLeft: e.retriesLeft }, `${what} failed`);
      },
    });
  }

  /**
   * Posts `reply` once under `claimKey`. Returns the message id, or
   * undefined when the claim is held elsewhere (already posted, or being
   * posted). Throws when every attempt failed; the claim is then released
   * so a later tick can try again.
   */
  async postOnce(claimKey: string, t: Target, reply: Reply): Promise<string | undefined> {
    if (!(await this.store.claim(claimKey, this.opts.owner))) return undefined;
    try {
      const { messageId } = await this.queue(t).add(() => this.retry('post', t, () => t.poster.post(t.channelId, reply)));
      return messageId;
    } catch (e) {
      await this.store.release(claimKey, this.opts.owner);
      throw e;
    }
  }

  /** Replaces a message posted earlier (idempotent, so no claim). */
  async update(t: Target, messageId: string, reply: Reply): Promise<void> {
    await this.queue(t).add(() => this.retry('edit', t, () => t.poster.update(t.channelId, messageId, reply)));
  }

  /** Waits for queued posts (stop). */
  async idle(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.onIdle()));
  }
}
