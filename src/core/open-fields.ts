import type { z } from 'zod';
import { BotError, type FieldIssue } from '../base/errors.js';
import { isRecord } from '../base/is-record.js';
import type { ParsedLine } from './parse.js';

/** Fields a command takes as `name=value`, each with the schema that types it; dotted names reach into an object field. */
export type FieldSpec = Record<string, z.ZodType>;

/** A command's open name=value fields (set/patch commands): beside its positionals, any field of `spec`, and a JSON body. */
export interface OpenFields {
  spec: FieldSpec;
  /** The usage line shown with a wrong field, when not the command's own. */
  usage?: string;
  /** Fields refused with their own explanation before anything else is checked, given the positionals. */
  refuse?: Record<string, (args: Record<string, unknown>) => BotError>;
}

/** What the user gave for the open fields, in the command's args as `fields`. */
export interface FieldValues {
  body: Record<string, unknown>;
  /** Top-level fields set through a dotted name: merge them into the current object, not over it. */
  dotted: Set<string>;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (!isRecord(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

const firstMessage = (r: { error: z.ZodError }): string => r.error.issues[0]?.message ?? 'invalid value';

/**
 * The request body of a set/patch command: `name=value` pairs must be fields
 * of the spec and are typed by it; the trailing JSON body is taken as given
 * (its fields the spec knows are checked too) and merged over the pairs.
 * Anything wrong is refused before a request is made.
 */
export function collectFields(
  command: string,
  usage: string,
  open: OpenFields,
  parsed: ParsedLine,
  args: Record<string, unknown>,
  positional: readonly string[],
): FieldValues {
  const given = [...Object.keys(parsed.named), ...parsed.flags, ...Object.keys(parsed.body ?? {})];
  for (const name of given) {
    const refusal = open.refuse?.[name];
    if (refusal) throw refusal(args);
  }
  const hints = [`Usage: ${usage}`];
  if (parsed.flags.length > 0) {
    throw new BotError('INVALID_ARGS', `\`${command}\` takes no flag ${parsed.flags.map((f) => `--${f}`).join(', ')}.`, { hints });
  }

  const { spec } = open;
  const issues: FieldIssue[] = [];
  const unknown: string[] = [];
  const body: Record<string, unknown> = {};
  const dotted = new Set<string>();
  for (const [name, raw] of Object.entries(parsed.named)) {
    if (positional.includes(name)) continue;
    const schema = spec[name];
    if (!schema) {
      unknown.push(name);
      continue;
    }
    const r = schema.safeParse(raw);
    if (!r.success) issues.push({ path: name, message: firstMessage(r) });
    else {
      setPath(body, name.split('.'), r.data);
      if (name.includes('.')) dotted.add(name.split('.')[0] as string);
    }
  }
  if (unknown.length > 0) {
    const names = unknown.map((u) => `${u}=`).join(', ');
    throw new BotError('INVALID_ARGS', `\`${command}\`: unknown field${unknown.length > 1 ? 's' : ''} ${names}.`, {
      hints: [`Fields as name=value: ${Object.keys(spec).join(', ')}. Anything else goes in the JSON body.`],
    });
  }

  for (const [name, value] of Object.entries(parsed.body ?? {})) {
    if (positional.includes(name) && !(name in spec)) continue;
    const schema = spec[name];
    if (schema && value !== null) {
      const r = schema.safeParse(value);
      if (!r.success) issues.push({ path: name, message: firstMessage(r) });
      else body[name] = r.data;
    } else body[name] = value;
    dotted.delete(name);
  }
  if (issues.length > 0) {
    const what = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new BotError('INVALID_ARGS', `\`${command}\`: ${what}.`, { details: issues, hints });
  }
  return { body, dotted };
}
