import type { StateClaims } from './state.js';

/**
 * One delivery of a platform event (a Slack slash command, click or DM, a
 * Discord interaction), taken before anything runs. `done` when it has been
 * answered (or the failure told): a copy that arrives later runs nothing.
 */
export interface DeliveryClaim {
  done(): Promise<void>;
}

/**
 * Platforms deliver an event again when they think it was missed (Slack's
 * retries with X-Slack-Retry-Num), and with two replicas a copy can reach the
 * other one. Each delivery is claimed by its platform id before it runs:
 * `begin` gives a claim to the first attempt, and undefined to a copy while
 * the first runs or once it was answered; the copy then runs and answers
 * nothing. A claim whose process died runs out after its lease, so a retry
 * after that runs.
 */
export interface DeliveryClaims {
  begin(key: string): Promise<DeliveryClaim | undefined>;
}

export const DELIVERY_PREFIX = 'delivery:';

/** Over the bot's state store: claims with a lease, renewed while the work runs, completed when it is answered. */
export class StoredDeliveryClaims implements DeliveryClaims {
  private readonly leaseMs: number;

  constructor(
    private readonly state: StateClaims,
    private readonly opts: { owner: string; leaseMs?: number },
  ) {
    this.leaseMs = opts.leaseMs ?? 120_000;
  }

  async begin(key: string): Promise<DeliveryClaim | undefined> {
    const full = DELIVERY_PREFIX + key;
    const token = await this.state.claim(full, this.opts.owner, this.leaseMs);
    if (token === undefined) return undefined;
    // A long command keeps its claim: a retry must not run it a second time while it runs.
    const renewal = setInterval(() => void this.state.renew(full, token, this.leaseMs).catch(() => undefined), this.leaseMs / 3);
    renewal.unref();
    let finished = false;
    return {
      done: async () => {
        if (finished) return;
        finished = true;
        clearInterval(renewal);
        await this.state.complete(full, token, null);
      },
    };
  }
}

/** In this process only (a bot without a state store): a bounded set of recent deliveries. */
export class LocalDeliveryClaims implements DeliveryClaims {
  private readonly seen = new Set<string>();

  constructor(private readonly max = 5000) {}

  async begin(key: string): Promise<DeliveryClaim | undefined> {
    if (this.seen.has(key)) return undefined;
    this.seen.add(key);
    if (this.seen.size > this.max) this.seen.delete(this.seen.values().next().value as string);
    return { done: async () => undefined };
  }
}
