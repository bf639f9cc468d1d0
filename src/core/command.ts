import type { z } from 'zod';
import type { Reply } from '../render/reply.js';
import type { HttpMethod } from '../base/plexus-api.js';
import type { Actor } from './actor.js';
import type { Deps } from './deps.js';
import type { OpenFields } from './open-fields.js';

export const TIERS = ['read', 'write', 'destructive'] as const;
export type Tier = (typeof TIERS)[number];
export const tierRank = (t: Tier): number => TIERS.indexOf(t);

/** One management API call a command makes, for the catalogue and help. */
export interface ApiCall {
  method: HttpMethod;
  path: string;
  /**
   * The tier of the uses that make this call, when it differs from the
   * command's (`config cooldown` reads with GET, writes with PATCH).
   */
  tier?: Tier;
}

/** A file the user sent with the command (a backup to restore). */
export interface Attachment {
  name: string;
  content: Buffer;
  contentType?: string;
}

/** Plain JSON: what a plan may hold (it is stored with a pending confirmation, possibly in a database). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** What `describeRisk` found: the lines shown in the prompt, and what was looked up, for `run`. */
export interface Risk<P> {
  lines: string[];
  /** Plain JSON data (ids, counts, before-values); `run` gets it back as `ctx.plan` once confirmed. */
  plan?: P;
}

export interface RunContext<A, P = unknown> {
  /** Read-only: a command never changes its arguments; what it resolves goes in its plan. */
  readonly args: A;
  /** What `describeRisk` planned, after a confirmation; undefined when nothing was asked. */
  plan: P | undefined;
  deps: Deps;
  actor: Actor;
  /** `--json` was given: the command may answer with masked JSON instead of tables. */
  json: boolean;
  /** The command line as typed. */
  line: string;
  /** Every command, and whether this actor may run it here (help uses both). */
  commands: readonly Command[];
  can: (command: Command) => boolean;
  /** The highest tier this actor holds here. */
  granted: Tier | null;
  attachments: Attachment[];
  /**
   * Posts an intermediate reply while the command runs (e.g. `logs tail`
   * lines as they arrive). Adapters without streaming collect nothing.
   */
  progress: (update: Reply) => Promise<void>;
}

export interface CommandSpec<S extends z.ZodType, P = undefined> {
  /** The words that name the command, e.g. ['providers', 'list']. */
  words: string[];
  summary: string;
  /** Argument part of the usage line, e.g. '<slug> [--cascade]'. */
  usage?: string;
  example?: string;
  /** The tier needed to run it; with `tierFor`, the least tier any use of it needs. */
  tier: Tier;
  /**
   * For commands whose tier depends on their arguments (`config cooldown`
   * reads, `config cooldown initialMinutes=1` writes; `api call` follows the
   * operation): the tier this use needs. Checked after the args are valid,
   * and it decides confirmation and audit too.
   */
  tierFor?(ctx: RunContext<z.infer<S>>): Tier | Promise<Tier>;
  /** The answer holds a secret: it goes only to the requester, privately. */
  private?: boolean;
  /** A change the team already sees where it happens (a snoozed alert says who snoozed it): answered to the requester alone. */
  quiet?: boolean;
  /** Names given, in order, to positional arguments. */
  positional?: string[];
  /** Name of a positional that swallows the rest of the words. */
  rest?: string;
  /** Takes open name=value fields and a JSON body, typed by their spec, given to `run` as `args.fields`. */
  fields?: OpenFields;
  args: S;
  calls: ApiCall[];
  /**
   * Destructive commands: say exactly what will be changed or lost. May read
   * from Plexus to count what goes. The lines are shown in the prompt; the
   * plan (plain JSON) is kept with the confirmation and handed to `run`.
   */
  // Method signatures: a command with its own args and plan still fits a list of commands.
  describeRisk?(ctx: RunContext<z.infer<S>>): Promise<Risk<P>> | Risk<P>;
  run(ctx: RunContext<z.infer<S>, P>): Promise<Reply>;
}

export interface Command<S extends z.ZodType = z.ZodType, P = unknown> extends CommandSpec<S, P> {
  /** 'providers list' */
  name: string;
}

export function defineCommand<S extends z.ZodType, P = undefined>(spec: CommandSpec<S, P>): Command<S, P> {
  return { ...spec, name: spec.words.join(' ') };
}

export const usageLine = (c: Command): string => (c.usage ? `${c.name} ${c.usage}` : c.name);
