import { randomBytes } from 'node:crypto';
import type { Actor } from './actor.js';
import { actorKey } from './actor.js';
import type { Clock } from './clock.js';
import { BotError } from '../base/errors.js';

export interface PendingConfirmation<P = unknown> {
  id: string;
  owner: string;
  commandName: string;
  expiresAt: number;
  payload: P;
}

interface Entry<P> extends PendingConfirmation<P> {
  settled?: 'confirmed' | 'cancelled';
}

/**
 * Destructive commands wait here for their requester's yes. An entry is
 * settled once (confirm or cancel) and kept until a while after expiry so a
 * late or second click is told what happened instead of "unknown".
 */
export class ConfirmationStore<P = unknown> {
  private readonly entries = new Map<string, Entry<P>>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  create(actor: Actor, commandName: string, payload: P): PendingConfirmation<P> {
    this.prune();
    const entry: Entry<P> = {
      id: randomBytes(12).toString('base64url'),
      owner: actorKey(actor),
      commandName,
      expiresAt: this.clock.now() + this.ttlMs,
      payload,
    };
    this.entries.set(entry.id, entry);
    return entry;
  }

  /** Claims the confirmation for running. Throws a BotError saying why not. */
  take(id: string, actor: Actor, decision: 'confirmed' | 'cancelled' = 'confirmed'): PendingConfirmation<P> {
    const entry = this.entries.get(id);
    if (!entry) {
      throw new BotError(
        'CONFIRM_UNKNOWN',
        'This confirmation is not known (it expired long ago, or the bot restarted since it was asked). Nothing was run; run the command again.',
      );
    }
    if (entry.owner !== actorKey(actor)) {
      throw new BotError('CONFIRM_NOT_YOURS', `Only the person who asked for \`${entry.commandName}\` can confirm or cancel it. Nothing was run.`);
    }
    if (entry.settled) {
      throw new BotError('CONFIRM_USED', `\`${entry.commandName}\` was already ${entry.settled}. Nothing more was run.`);
    }
    if (this.clock.now() >= entry.expiresAt) {
      entry.settled = 'cancelled';
      throw new BotError('CONFIRM_EXPIRED', `The confirmation for \`${entry.commandName}\` expired. Nothing was run; run the command again.`);
    }
    entry.settled = decision;
    return entry;
  }

  private prune(): void {
    const horizon = this.clock.now() - this.ttlMs * 10;
    for (const [id, e] of this.entries) if (e.expiresAt < horizon) this.entries.delete(id);
  }
}
