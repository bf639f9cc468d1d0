import { randomUUID } from 'node:crypto';
import { lineCarriesSecret, maskCommandLine } from '../render/mask.js';
import { context, reply, text, type Reply } from '../render/reply.js';
import type { Actor } from './actor.js';
import { buildArgs } from './args-build.js';
import type { Attachment, Command, RunContext, Tier } from './command.js';
import { ConfirmationStore } from './confirmations.js';
import type { Deps } from './deps.js';
import { BotError, isBotError, type ErrorCode } from '../base/errors.js';
import { parseLine } from './parse.js';
import { authorize, type AccessPolicy } from './policy.js';
import type { Registry } from './registry.js';
import { errorReply } from './error-reply.js';

export interface Invocation {
  actor: Actor;
  text: string;
  attachments?: Attachment[];
  /** Where intermediate replies of a long-running command go. */
  progress?: (update: Reply) => Promise<void> | void;
}

export type OutcomeStatus = 'ok' | 'error' | 'denied' | 'pending' | 'cancelled';

export interface Outcome {
  status: OutcomeStatus;
  reply: Reply;
  /** Set when the command waits for confirmation. */
  confirmationId?: string;
  /** The command that ran or was asked for, when one was recognised. */
  command?: Command;
  /** `--public` was given (adapters decide what it means on their platform). */
  public?: boolean;
  /** The tier this use of the command needed (after `tierFor`), when a command was recognised. */
  tier?: Tier;
  /** Why it failed, when a BotError says (adapters tell a refused click from a failed command). */
  code?: ErrorCode;
}

/** Handles a button whose id starts with a registered prefix (e.g. `snooze:`); gets the rest of the id. */
export type ActionHandler = (actor: Actor, arg: string) => Promise<Reply> | Reply;

interface Waiting {
  command: Command;
  ctx: RunContext<unknown>;
  started: number;
  tier: Tier;
}

const GLOBAL_FLAGS = new Set(['json', 'public']);
export const DEMO_NOTE = 'Demo gateway: sample data, not a real Plexus. Set PLEXUS_BASE_URL to manage yours.';

/** parse → resolve → authorize → validate → (confirm) → run → audit. Knows no platform. */
export class Pipeline {
  readonly confirmations: ConfirmationStore<Waiting>;
  private readonly actionHandlers = new Map<string, ActionHandler>();

  constructor(
    private readonly deps: Deps,
    private readonly registry: Registry,
    private readonly policy: AccessPolicy,
    opts: { confirmTtlSeconds: number },
  ) {
    this.confirmations = new ConfirmationStore<Waiting>(deps.clock, opts.confirmTtlSeconds * 1000);
  }

  async handle(inv: Invocation): Promise<Outcome> {
    const started = this.deps.clock.now();
    let command: Command | undefined;
    try {
      const parsed = parseLine(inv.text);
      const isPublic = parsed.flags.includes('public');
      const json = parsed.flags.includes('json');
      parsed.flags = parsed.flags.filter((f) => !GLOBAL_FLAGS.has(f));
      const words = parsed.words.length > 0 ? parsed.words : ['help'];
      const resolved = this.registry.resolve(words);
      if (!resolved) throw this.unknown(words);
      command = resolved.command;

      const decision = authorize(this.policy, inv.actor, command);
      if (!decision.allowed) {
        this.audit(inv, command, 'denied', started);
        return this.finish(inv.text, { status: 'denied', command, reply: reply({ title: 'Not allowed', severity: 'error', blocks: [text(decision.reason)] }) });
      }

      const args = buildArgs(command, parsed, resolved.rest);
      const ctx: RunContext<unknown> = {
        args,
        deps: this.deps,
        actor: inv.actor,
        json,
        line: inv.text.trim(),
        commands: this.registry.all(),
        can: (c) => authorize(this.policy, inv.actor, c).allowed,
        granted: decision.granted,
        attachments: inv.attachments ?? [],
        progress: async (update) => {
          await inv.progress?.(update);
        },
      };
      const tier = command.tierFor ? await command.tierFor(ctx) : command.tier;
      if (tier !== command.tier) {
        const needed = authorize(this.policy, inv.actor, { name: command.name, tier });
        if (!needed.allowed) {
          this.audit(inv, command, 'denied', started, undefined, tier);
          return this.finish(inv.text, { status: 'denied', command, reply: reply({ title: 'Not allowed', severity: 'error', blocks: [text(needed.reason)] }) });
        }
      }
      if (tier === 'destructive') return this.finish(inv.text, { ...(await this.ask(command, ctx, started, tier)), public: isPublic });
      const out = await this.execute(command, ctx, started, tier);
      return this.finish(inv.text, { ...out, public: isPublic });
    } catch (e) {
      return this.finish(inv.text, this.failure(e, inv, command, started));
    }
  }

  /**
   * A button click, by its action id: `confirm:<id>`, `cancel:<id>`,
   * `run:<command line>` (runs as the clicker, who needs the tier), or a
   * prefix registered with {@link registerAction}.
   */
  async action(actor: Actor, actionId: string): Promise<Outcome> {
    const colon = actionId.indexOf(':');
    const kind = colon < 0 ? actionId : actionId.slice(0, colon);
    const arg = colon < 0 ? '' : actionId.slice(colon + 1);
    if (kind === 'confirm') return this.confirm(arg, actor);
    if (kind === 'cancel') return this.cancel(arg, actor);
    if (kind === 'run') return this.handle({ actor, text: arg });
    const handler = this.actionHandlers.get(kind);
    if (!handler) {
      return this.finish(undefined, { status: 'error', reply: reply({ title: 'Unknown button', severity: 'error', blocks: [text('This button is no longer understood by the bot (it may predate an upgrade). Nothing was run.')] }) });
    }
    try {
      const out = await handler(actor, arg);
      return this.finish(undefined, { status: out.severity === 'error' ? 'error' : 'ok', reply: out });
    } catch (e) {
      return this.finish(undefined, { status: 'error', reply: errorReply(e, this.correlation(e, actor)), ...(isBotError(e) ? { code: e.code } : {}) });
    }
  }

  registerAction(prefix: string, handler: ActionHandler): void {
    if (['confirm', 'cancel', 'run'].includes(prefix) || this.actionHandlers.has(prefix)) throw new Error(`action prefix taken: ${prefix}`);
    this.actionHandlers.set(prefix, handler);
  }

  /** The requester's yes. Runs the waiting command at most once. */
  async confirm(id: string, actor: Actor): Promise<Outcome> {
    const started = this.deps.clock.now();
    try {
      const waiting = this.confirmations.take(id, actor, 'confirmed').payload;
      return this.finish(waiting.ctx.line, await this.execute(waiting.command, waiting.ctx, started, waiting.tier));
    } catch (e) {
      return this.finish(undefined, { status: 'error', reply: errorReply(e, this.correlation(e, actor)), ...(isBotError(e) ? { code: e.code } : {}) });
    }
  }

  cancel(id: string, actor: Actor): Outcome {
    try {
      const waiting = this.confirmations.take(id, actor, 'cancelled').payload;
      this.audit({ actor, text: waiting.ctx.line }, waiting.command, 'cancelled', waiting.started, undefined, waiting.tier);
      return this.finish(waiting.ctx.line, {
        status: 'cancelled',
        command: waiting.command,
        reply: reply({ title: 'Cancelled', blocks: [text(`\`${waiting.command.name}\` was cancelled. Nothing was changed.`)] }),
      });
    } catch (e) {
      return this.finish(undefined, { status: 'error', reply: errorReply(e, this.correlation(e, actor)), ...(isBotError(e) ? { code: e.code } : {}) });
    }
  }

  private async ask(command: Command, ctx: RunContext<unknown>, started: number, tier: Tier): Promise<Outcome> {
    const risk = command.describeRisk ? await command.describeRisk(ctx) : [];
    const pending = this.confirmations.create(ctx.actor, command.name, { command, ctx, started, tier });
    const ttl = Math.round((pending.expiresAt - this.deps.clock.now()) / 1000);
    return {
      status: 'pending',
      command,
      tier,
      confirmationId: pending.id,
      reply: reply({
        title: `Confirm: ${command.name}`,
        severity: 'warning',
        blocks: [
          text(`\`${maskCommandLine(ctx.line)}\` will ${command.summary.charAt(0).toLowerCase()}${command.summary.slice(1).replace(/\.$/, '')}.`),
          ...risk.map((r) => text(r)),
          context(`Only you can confirm, once, within ${ttl} s.`),
        ],
        actions: [
          { id: `confirm:${pending.id}`, label: 'Confirm', style: 'danger', confirmText: risk[0] ?? `Run ${command.name}?` },
          { id: `cancel:${pending.id}`, label: 'Cancel', style: 'default' },
        ],
      }),
    };
  }

  private async execute(command: Command, ctx: RunContext<unknown>, started: number, tier: Tier): Promise<Outcome> {
    try {
      const out = await command.run(ctx);
      if (command.private) out.private = true;
      if (tier !== 'read') this.audit({ actor: ctx.actor, text: ctx.line }, command, 'ok', started, undefined, tier);
      return { status: out.severity === 'error' ? 'error' : 'ok', command, tier, reply: out };
    } catch (e) {
      return this.failure(e, { actor: ctx.actor, text: ctx.line }, command, started, tier);
    }
  }

  private failure(e: unknown, inv: Invocation, command: Command | undefined, started: number, tier = command?.tier): Outcome {
    const id = this.correlation(e, inv.actor, command);
    if (command && tier !== 'read') this.audit(inv, command, isBotError(e) ? e.code : 'INTERNAL', started, id, tier);
    const out = errorReply(e, id);
    if (command?.private) out.private = true;
    return { status: 'error', command, tier, reply: out, ...(isBotError(e) ? { code: e.code } : {}) };
  }

  /** Logs unexpected errors with their cause; returns the id shown to the user. */
  private correlation(e: unknown, actor: Actor, command?: Command): string {
    const id = randomUUID().slice(0, 8);
    if (!isBotError(e) || e.code === 'INTERNAL' || e.code === 'UPSTREAM_INVALID' || e.code === 'UPSTREAM_DOWN') {
      this.deps.logger.error({ err: e, correlationId: id, platform: actor.platform, command: command?.name }, 'command failed');
    }
    return id;
  }

  private unknown(words: string[]): BotError {
    const close = this.registry.closest(words);
    return new BotError('UNKNOWN_COMMAND', `Unknown command \`${words.slice(0, 3).join(' ')}\`.`, {
      hints: [close.length > 0 ? `Closest: ${close.map((c) => `\`${c.name}\``).join(', ')}` : 'Type `help` to see what you can run.'],
    });
  }

  private audit(inv: Invocation, command: Command, outcome: string, started: number, correlationId?: string, tier: Tier = command.tier): void {
    this.deps.logger.info(
      {
        audit: true,
        platform: inv.actor.platform,
        user: inv.actor.userId,
        channel: inv.actor.channelId,
        command: maskCommandLine(inv.text.trim()),
        tier,
        outcome,
        durationMs: this.deps.clock.now() - started,
        ...(correlationId ? { correlationId } : {}),
      },
      'audit',
    );
  }

  /**
   * A line that carries a secret (`keys set x secret=…`, a body with api_key) is
   * answered privately whatever the outcome: Discord shows a public reply's
   * invocation, options included, to the channel.
   */
  private finish(line: string | undefined, out: Outcome): Outcome {
    if (line !== undefined && lineCarriesSecret(line)) out.reply.private = true;
    if (this.deps.plexus.demo) out.reply.blocks.push(context(DEMO_NOTE));
    return out;
  }
}
