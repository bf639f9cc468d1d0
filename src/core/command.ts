import type { z } from 'zod';
import type { Reply } from '../render/reply.js';
import type { HttpMethod } from '../plexus/types.js';
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

export interface RunContext<A> {
  args: A;
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

export interface CommandSpec<S extends z.ZodType> {
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
  tierFor?: (ctx: RunContext<z.infer<S>>) => Tier | Promise<Tier>;
  /** The answer holds a secret: it goes only to the requester, privately. */
  private?: boolean;
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
   * from Plexus to count what goes. Returned lines are shown in the prompt.
   */
  describeRisk?: (ctx: RunContext<z.infer<S>>) => Promise<string[]> | string[];
  run: (ctx: RunContext<z.infer<S>>) => Promise<Reply>;
}

export interface Command<S extends z.ZodType = z.ZodType> extends CommandSpec<S> {
  /** 'providers list' */
  name: string;
}

export function defineCommand<S extends z.ZodType>(spec: CommandSpec<S>): Command<S> {
  return { ...spec, name: spec.words.join(' ') };
}

export const usageLine = (c: Command): string => (c.usage ? `${c.name} ${c.usage}` : c.name);
