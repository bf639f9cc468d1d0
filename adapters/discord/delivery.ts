/**
 * Sends Replies into an interaction in order: the first message fills the
 * deferred response (or the clicked message), later ones are follow-ups.
 * A private Reply never lands in a public message: the public one gets a note
 * and the answer goes to the caller alone.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { reply as makeReply, text, type Reply } from '../../src/render/reply.js';
import { messagesFor, type ActionRefs, type OutgoingMessage } from './messages.js';
import { safeError } from './safe-error.js';

export interface ReplyTarget {
  /** Whether the first message is seen by the caller alone. */
  readonly ephemeral: boolean;
  /** Fills the first message: edits the deferred response or the clicked message. */
  first(m: OutgoingMessage): Promise<unknown>;
  /** Sends a further message, seen by the caller alone when `ephemeral`. */
  next(m: OutgoingMessage, ephemeral: boolean): Promise<unknown>;
}

const undeliverable = (ref: string): Reply =>
  makeReply({
    title: 'The answer could not be shown',
    severity: 'error',
    private: true,
    blocks: [text(`Discord refused the message carrying it. Reference: ${ref}`)],
  });

export const PRIVATE_NOTE: Reply = makeReply({ blocks: [text('🔒 The answer holds something private, so it was sent only to you.')] });

/** discord.js message options for an outgoing message (no mentions ever ping). */
export function payload(m: OutgoingMessage, edit: boolean) {
  return {
    ...(m.content !== undefined || edit ? { content: m.content ?? '' } : {}),
    embeds: m.embeds,
    components: m.components,
    ...(m.files ? { files: m.files.map((f) => ({ attachment: f.data, name: f.name })) } : {}),
    allowedMentions: { parse: [] },
  };
}

export class ReplyStream {
  private started = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly target: ReplyTarget,
    private readonly opts: { refs: ActionRefs; logger: Logger; fileLimit?: number },
  ) {}

  /**
   * Queues a Reply behind the ones before it; resolves when it has been sent.
   * When Discord refuses it, the failure is logged (without the answer) and
   * the caller gets a short note instead, once.
   */
  send(r: Reply): Promise<void> {
    const next = this.chain.then(async () => {
      try {
        await this.deliver(r);
      } catch (e) {
        const ref = randomUUID().slice(0, 8);
        this.opts.logger.error({ err: safeError(e), correlationId: ref }, 'discord: sending a reply failed');
        await this.deliver(undeliverable(ref)).catch(() => undefined);
      }
    });
    this.chain = next;
    return next;
  }

  private async deliver(r: Reply): Promise<void> {
    await this.opts.refs.remember(r.actions);
    const privateOnly = r.private === true && !this.target.ephemeral;
    if (privateOnly && !this.started) {
      await this.target.first(messagesFor(PRIVATE_NOTE)[0]!);
      this.started = true;
    }
    for (const m of messagesFor(r, { fileLimit: this.opts.fileLimit })) {
      if (!this.started) {
        await this.target.first(m);
        this.started = true;
      } else {
        await this.target.next(m, privateOnly || this.target.ephemeral);
      }
    }
  }
}
