import { randomUUID } from 'node:crypto';
import { BotError, isBotError, type ErrorCode } from '../base/errors.js';
import { lineCarriesSecret, maskCommandLine } from '../render/mask.js';
import { context, reply, text, type Reply } from '../render/reply.js';
import type { Actor } from './actor.js';
import { buildArgs } from './args-build.js';
import { audienceOfOutcome, audienceOfRefusal, audienceOfUse, type Audience, type AudienceWhy, type Decision } from './audience.js';
import type { Attachment, Command, Json, RunContext, Tier } from './command.js';
import {
  claimConfirmation,
  loadAttachments,
  MemoryConfirmationRecords,
  newConfirmationId,
  storeAttachments,
  type ConfirmationRecord,
  type ConfirmationRecords,
} from './confirmations.js';
import type { Deps } from './deps.js';
import { errorReply } from './error-reply.js';
import { isGlobalFlag } from './global-flags.js';
import { parseLine, type ParsedLine } from './parse.js';
import { authorize, type AccessPolicy } from './policy.js';
import type { Registry } from './registry.js';
import type { StateLog } from './state.js';

/** A command line from someone: enough to decide what it needs and who sees the answer. */
export interface Request {
  actor: Actor;
  text: string;
}

export interface Invocation extends Request {
  attachments?: Attachment[];
  /** Where intermediate replies of a long-running command go, and to whom (the decided audience). */
  progress?: (update: Reply, audience: Audience) => Promise<void> | void;
}

export type OutcomeStatus = 'ok' | 'error' | 'denied' | 'pending' | 'cancelled';

export interface Outcome {
  status: OutcomeStatus;
  reply: Reply;
  /** Who should see this answer (the decision, narrowed by the outcome: failures go back to the requester). */
  audience: Audience;
  /** Set when the command waits for confirmation. */
  confirmationId?: string;
  /** The command that ran or was asked for, when one was recognised. */
  command?: Command;
  /** The tier this use of the command needed (after `tierFor`), when a command was recognised. */
  tier?: Tier;
  /** Why it failed, when a BotError says (adapters tell a refused click from a failed command). */
  code?: ErrorCode;
}

/** One finished use, for metrics: the command (when one was recognised), its outcome and how long it took. */
export interface OutcomeObservation {
  command: string | undefined;
  status: OutcomeStatus;
  durationMs: number;
}

export interface PipelineOptions {
  confirmTtlSeconds: number;
  confirmations?: ConfirmationRecords;
  /** Told of every line run and every click handled; must not throw (it is not awaited). */
  onOutcome?: (o: OutcomeObservation) => void;
  /** Where audited outcomes are appended too (stream `audit`); a failing append is logged and the command goes on. */
  log?: StateLog;
  /** This process's replica id, recorded with each audited outcome. */
  replica?: string;
}

/** What the stream `audit` holds for each write, destructive or denied outcome (the command line masked). */
export interface AuditEntry {
  at: number;
  replica?: string;
  platform: string;
  user: string;
  channel: string;
  command: string;
  tier: Tier;
  outcome: string;
  durationMs: number;
  correlationId?: string;
}

export const AUDIT_STREAM = 'audit';

/** Handles a button whose id starts with a registered prefix; gets the rest of the id. */
export type ActionHandler = (actor: Actor, arg: string) => Promise<Outcome>;

/** A line parsed, resolved, authorised and its tier known: ready to run, or already answered. */
export interface Prepared {
  readonly decision: Decision;
  readonly request: Request;
  readonly started: number;
  /** Set when the line was refused before running (its answer). */
  readonly refusal?: Omit<Outcome, 'audience'>;
  readonly use?: Use;
}

interface Use {
  command: Command;
  args: unknown;
  tier: Tier;
  json: boolean;
  granted: Tier | null;
}

type Answer = Omit<Outcome, 'audience'>;
type ContextExtra = 'attachments' | 'progress' | 'plan';

const BUILT_IN_ACTIONS = new Set(['confirm', 'cancel', 'run']);
export const DEMO_NOTE = 'Demo gateway: sample data, not a real Plexus. Set PLEXUS_BASE_URL to manage yours.';

const toJson = (plan: unknown): Json | null => (plan === undefined ? null : (JSON.parse(JSON.stringify(plan)) as Json));

/** parse → resolve → authorize → validate → tier → decide → (confirm) → run → audit. Knows no platform. */
export class Pipeline {
  private readonly actionHandlers = new Map<string, ActionHandler>();
  private readonly records: ConfirmationRecords;
  private readonly ttlMs: number;
  private readonly onOutcome: PipelineOptions['onOutcome'];
  private readonly log: StateLog | undefined;
  private readonly replica: string | undefined;

  constructor(
    private readonly deps: Deps,
    private readonly registry: Registry,
    private readonly policy: AccessPolicy,
    opts: PipelineOptions,
  ) {
    this.ttlMs = opts.confirmTtlSeconds * 1000;
    this.onOutcome = opts.onOutcome;
    this.log = opts.log;
    this.replica = opts.replica;
    this.records = opts.confirmations ?? new MemoryConfirmationRecords({ now: () => deps.clock.now(), keepMs: this.ttlMs * 10 });
  }

  async handle(inv: Invocation): Promise<Outcome> {
    return this.run(await this.prepare(inv), inv);
  }

  /**
   * Everything decided before anything runs: the command, the tier of this use,
   * whether it asks for confirmation, and who sees the answer. Reads Plexus
   * only when a command's `tierFor` must (`api call`).
   */
  async prepare(req: Request): Promise<Prepared> {
    const started = this.deps.clock.now();
    const secretLine = lineCarriesSecret(req.text);
    const refuse = (why: AudienceWhy, refusal: Answer, command?: Command): Prepared => ({
      decision: {
        ...audienceOfRefusal(why, { command, secretLine }),
        ...(command ? { command } : {}),
        ...(refusal.tier ? { tier: refusal.tier } : {}),
        confirm: false,
      },
      request: req,
      started,
      refusal,
    });
    let parsed: ParsedLine;
    try {
      parsed = parseLine(req.text);
    } catch (e) {
      return refuse('unparsed', this.failure(e, req, undefined, started));
    }
    const isPublic = parsed.flags.includes('public');
    const json = parsed.flags.includes('json');
    parsed = { ...parsed, flags: parsed.flags.filter((f) => !isGlobalFlag(f)) };
    const words = parsed.words.length > 0 ? parsed.words : ['help'];
    const resolved = this.registry.resolve(words);
    if (!resolved) return refuse('unknown', this.failure(this.unknown(words), req, undefined, started));
    const command = resolved.command;

    const allowed = authorize(this.policy, req.actor, command);
    if (!allowed.allowed) {
      this.audit(req, command, 'denied', started);
      return refuse('refused', this.denied(command, allowed.reason), command);
    }
    let args: unknown;
    let tier: Tier;
    try {
      args = Object.freeze(buildArgs(command, parsed, resolved.rest));
      const use: Use = { command, args, tier: command.tier, json, granted: allowed.granted };
      tier = command.tierFor ? await command.tierFor(this.context(req, use)) : command.tier;
    } catch (e) {
      return refuse('invalid', this.failure(e, req, command, started), command);
    }
    if (tier !== command.tier) {
      const needed = authorize(this.policy, req.actor, { name: command.name, tier });
      if (!needed.allowed) {
        this.audit(req, command, 'denied', started, undefined, tier);
        return refuse('refused', { ...this.denied(command, needed.reason), tier }, command);
      }
    }
    return {
      decision: { ...audienceOfUse({ command, tier, secretLine, public: isPublic }), command, tier, confirm: tier === 'destructive' },
      request: req,
      started,
      use: { command, args, tier, json, granted: allowed.granted },
    };
  }

  /** Runs what {@link prepare} decided (or asks for confirmation first), with the invocation's files and progress. */
  async run(prepared: Prepared, extras: Omit<Invocation, keyof Request> = {}): Promise<Outcome> {
    return this.observed(prepared.started, await this.runPrepared(prepared, extras));
  }

  private async runPrepared(prepared: Prepared, extras: Omit<Invocation, keyof Request>): Promise<Outcome> {
    const { request, use, decision } = prepared;
    if (!use) return this.finish(request.text, prepared.refusal!, decision.audience);
    try {
      const ctx = this.context(request, use, {
        attachments: extras.attachments ?? [],
        progress: async (update) => {
          await extras.progress?.(update, update.private ? 'private' : decision.audience);
        },
      });
      const out = decision.confirm
        ? await this.ask(use.command, ctx, use.tier)
        : await this.execute(use.command, ctx, prepared.started, use.tier);
      return this.finish(request.text, out, decision.audience);
    } catch (e) {
      return this.finish(request.text, this.failure(e, request, use.command, prepared.started, use.tier), decision.audience);
    }
  }

  /**
   * A button click, by its action id: `confirm:<id>`, `cancel:<id>`,
   * `run:<command line>` (runs as the clicker, who needs the tier), or a
   * prefix registered with {@link registerAction}.
   */
  async action(actor: Actor, actionId: string): Promise<Outcome> {
    const started = this.deps.clock.now();
    const colon = actionId.indexOf(':');
    const kind = colon < 0 ? actionId : actionId.slice(0, colon);
    const arg = colon < 0 ? '' : actionId.slice(colon + 1);
    if (kind === 'confirm') return this.confirm(arg, actor);
    if (kind === 'cancel') return this.cancel(arg, actor);
    if (kind === 'run') return this.handle({ actor, text: arg });
    const handler = this.actionHandlers.get(kind);
    if (!handler) {
      const blocks = [text('This button is no longer understood by the bot (it may predate an upgrade). Nothing was run.')];
      const out: Answer = { status: 'error', reply: reply({ title: 'Unknown button', severity: 'error', blocks }) };
      return this.observed(started, this.finish(undefined, out, 'requester'));
    }
    try {
      return this.observed(started, await handler(actor, arg));
    } catch (e) {
      return this.observed(started, this.clickFailure(e, actor));
    }
  }

  /** Handles buttons whose id starts with `prefix:`. Returns what removes the handler again. */
  registerAction(prefix: string, handler: ActionHandler): () => void {
    if (BUILT_IN_ACTIONS.has(prefix) || this.actionHandlers.has(prefix)) throw new Error(`action prefix taken: ${prefix}`);
    this.actionHandlers.set(prefix, handler);
    return () => {
      if (this.actionHandlers.get(prefix) === handler) this.actionHandlers.delete(prefix);
    };
  }

  /** The requester's yes. Runs the waiting command at most once, rebuilt from its record. */
  async confirm(id: string, actor: Actor): Promise<Outcome> {
    const started = this.deps.clock.now();
    return this.observed(started, await this.confirmed(id, actor, started));
  }

  private async confirmed(id: string, actor: Actor, started: number): Promise<Outcome> {
    let record: ConfirmationRecord;
    try {
      record = await claimConfirmation(this.records, id, actor, started, 'confirmed');
    } catch (e) {
      return this.clickFailure(e, actor);
    }
    const req: Request = { actor, text: record.line };
    const prepared = await this.prepare(req);
    const { use } = prepared;
    if (!use) return this.finish(record.line, prepared.refusal!, prepared.decision.audience);
    // The policy may have changed since it was asked: the clicker needs the recorded tier now.
    const needed = authorize(this.policy, actor, { name: use.command.name, tier: record.tier });
    if (!needed.allowed) {
      this.audit(req, use.command, 'denied', started, undefined, record.tier);
      return this.finish(record.line, { ...this.denied(use.command, needed.reason), tier: record.tier }, 'requester');
    }
    const extras = { attachments: loadAttachments(record.attachments), plan: record.plan ?? undefined };
    const ctx = this.context(req, { ...use, tier: record.tier }, extras);
    return this.finish(record.line, await this.execute(use.command, ctx, started, record.tier), prepared.decision.audience);
  }

  async cancel(id: string, actor: Actor): Promise<Outcome> {
    const started = this.deps.clock.now();
    return this.observed(started, await this.cancelled(id, actor));
  }

  private async cancelled(id: string, actor: Actor): Promise<Outcome> {
    try {
      const record = await claimConfirmation(this.records, id, actor, this.deps.clock.now(), 'cancelled');
      const command = this.registry.all().find((c) => c.name === record.command);
      if (command) this.audit({ actor, text: record.line }, command, 'cancelled', record.createdAt, undefined, record.tier);
      const out = reply({ title: 'Cancelled', blocks: [text(`\`${record.command}\` was cancelled. Nothing was changed.`)] });
      return this.finish(record.line, { status: 'cancelled', command, reply: out }, 'requester');
    } catch (e) {
      return this.clickFailure(e, actor);
    }
  }

  private observed(started: number, out: Outcome): Outcome {
    try {
      this.onOutcome?.({ command: out.command?.name, status: out.status, durationMs: this.deps.clock.now() - started });
    } catch (e) {
      this.deps.logger.warn({ err: e }, 'the outcome observer failed');
    }
    return out;
  }

  private context(req: Request, use: Use, extras: Partial<Pick<RunContext<unknown>, ContextExtra>> = {}): RunContext<unknown> {
    return {
      args: use.args,
      plan: extras.plan,
      deps: this.deps,
      actor: req.actor,
      json: use.json,
      line: req.text.trim(),
      commands: this.registry.all(),
      can: (c) => authorize(this.policy, req.actor, c).allowed,
      granted: use.granted,
      attachments: extras.attachments ?? [],
      progress: extras.progress ?? (async () => undefined),
    };
  }

  private async ask(command: Command, ctx: RunContext<unknown>, tier: Tier): Promise<Answer> {
    const risk = command.describeRisk ? await command.describeRisk(ctx) : { lines: [] };
    const now = this.deps.clock.now();
    const record: ConfirmationRecord = {
      id: newConfirmationId(),
      owner: { platform: ctx.actor.platform, userId: ctx.actor.userId, channelId: ctx.actor.channelId },
      line: ctx.line,
      command: command.name,
      tier,
      plan: toJson(risk.plan),
      attachments: storeAttachments(ctx.attachments),
      createdAt: now,
      expiresAt: now + this.ttlMs,
      settled: null,
    };
    await this.records.create(record);
    const ttl = Math.round(this.ttlMs / 1000);
    return {
      status: 'pending',
      command,
      tier,
      confirmationId: record.id,
      reply: reply({
        title: `Confirm: ${command.name}`,
        severity: 'warning',
        blocks: [
          text(
            `\`${maskCommandLine(ctx.line)}\` will ` +
              `${command.summary.charAt(0).toLowerCase()}${command.summary.slice(1).replace(/\.$/, '')}.`,
          ),
          ...risk.lines.map((r) => text(r)),
          context(`Only you can confirm, once, within ${ttl} s.`),
        ],
        actions: [
          { id: `confirm:${record.id}`, label: 'Confirm', style: 'danger', confirmText: risk.lines[0] ?? `Run ${command.name}?` },
          { id: `cancel:${record.id}`, label: 'Cancel', style: 'default' },
        ],
      }),
    };
  }

  private async execute(command: Command, ctx: RunContext<unknown>, started: number, tier: Tier): Promise<Answer> {
    try {
      const out = await command.run(ctx);
      if (command.private) out.private = true;
      if (tier !== 'read') this.audit({ actor: ctx.actor, text: ctx.line }, command, 'ok', started, undefined, tier);
      return { status: out.severity === 'error' ? 'error' : 'ok', command, tier, reply: out };
    } catch (e) {
      return this.failure(e, { actor: ctx.actor, text: ctx.line }, command, started, tier);
    }
  }

  private denied(command: Command, reason: string): Answer {
    return { status: 'denied', command, reply: reply({ title: 'Not allowed', severity: 'error', blocks: [text(reason)] }) };
  }

  private failure(e: unknown, req: Request, command: Command | undefined, started: number, tier = command?.tier): Answer {
    const id = this.correlation(e, req.actor, command);
    if (command && tier !== 'read') this.audit(req, command, isBotError(e) ? e.code : 'INTERNAL', started, id, tier);
    const out = errorReply(e, id);
    if (command?.private) out.private = true;
    return { status: 'error', command, tier, reply: out, ...(isBotError(e) ? { code: e.code } : {}) };
  }

  /** A click that ran nothing (someone else's confirmation, a second click, a failing handler): told to the clicker. */
  private clickFailure(e: unknown, actor: Actor): Outcome {
    const out: Answer = { status: 'error', reply: errorReply(e, this.correlation(e, actor)), ...(isBotError(e) ? { code: e.code } : {}) };
    return this.finish(undefined, out, 'requester');
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

  private audit(req: Request, command: Command, outcome: string, started: number, correlationId?: string, tier: Tier = command.tier): void {
    const now = this.deps.clock.now();
    const line = maskCommandLine(req.text.trim());
    const { platform, userId: user, channelId: channel } = req.actor;
    const durationMs = now - started;
    this.deps.logger.info(
      { audit: true, platform, user, channel, command: line, tier, outcome, durationMs, ...(correlationId ? { correlationId } : {}) },
      'audit',
    );
    if (!this.log) return;
    const entry: AuditEntry = {
      at: now,
      ...(this.replica ? { replica: this.replica } : {}),
      platform,
      user,
      channel,
      command: line,
      tier,
      outcome,
      durationMs,
      ...(correlationId ? { correlationId } : {}),
    };
    const fields = { user, platform, channel, command: command.name, outcome, tier };
    const failed = (e: unknown) => this.deps.logger.warn({ err: e, command: command.name, outcome }, 'the audit log append failed');
    try {
      this.log.append(AUDIT_STREAM, { fields, data: entry, at: now }).catch(failed);
    } catch (e) {
      failed(e);
    }
  }

  /**
   * A line that carries a secret (`keys set x secret=…`, a body with api_key) is
   * answered privately whatever the outcome: Discord shows a public reply's
   * invocation, options included, to the channel.
   */
  private finish(line: string | undefined, out: Answer, decided: Audience): Outcome {
    if (line !== undefined && lineCarriesSecret(line)) out.reply.private = true;
    if (this.deps.plexus.demo) out.reply.blocks.push(context(DEMO_NOTE));
    return { ...out, audience: audienceOfOutcome(decided, out) };
  }
}
