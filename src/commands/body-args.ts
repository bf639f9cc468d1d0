import { z } from 'zod';
import { BotError, type FieldIssue } from '../core/errors.js';
import { isGlobalFlag } from '../core/global-flags.js';
import { parseLine } from '../core/parse.js';
import { isSecretField } from '../render/mask.js';
import { isRecord } from '../core/is-record.js';

/**
 * Fields a set/patch command takes as `name=value`, each with the schema that
 * types it; dotted names reach into an object field (`quota_checker.enabled`).
 */
export type FieldSpec = Record<string, z.ZodType>;

/** Args of a command whose body is open-ended: the named positionals, then anything (read with {@link collectBody}). */
export const openArgs = <T extends z.ZodRawShape>(positionals: T) => z.object(positionals).catchall(z.unknown());

export interface CollectedBody {
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

/**
 * The request body of a set/patch command, from the line as typed:
 * `name=value` pairs must be fields of `spec` and are typed by it; the
 * trailing JSON body is taken as given (its fields that `spec` knows are
 * checked too) and merged over the pairs. Anything wrong is refused before
 * a request is made.
 */
export function collectBody(line: string, opts: { command: string; usage: string; positional: readonly string[]; spec: FieldSpec }): CollectedBody {
  const parsed = parseLine(line);
  const hints = [`Usage: ${opts.usage}`];
  const flags = parsed.flags.filter((f) => !isGlobalFlag(f));
  if (flags.length > 0) throw new BotError('INVALID_ARGS', `\`${opts.command}\` takes no flag ${flags.map((f) => `--${f}`).join(', ')}.`, { hints });

  const issues: FieldIssue[] = [];
  const unknown: string[] = [];
  const body: Record<string, unknown> = {};
  const dotted = new Set<string>();
  for (const [name, raw] of Object.entries(parsed.named)) {
    if (opts.positional.includes(name)) continue;
    const schema = opts.spec[name];
    if (!schema) {
      unknown.push(name);
      continue;
    }
    const r = schema.safeParse(raw);
    if (!r.success) issues.push({ path: name, message: r.error.issues[0]?.message ?? 'invalid value' });
    else {
      setPath(body, name.split('.'), r.data);
      if (name.includes('.')) dotted.add(name.split('.')[0] as string);
    }
  }
  if (unknown.length > 0) {
    throw new BotError('INVALID_ARGS', `\`${opts.command}\`: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `${u}=`).join(', ')}.`, {
      hints: [`Fields as name=value: ${Object.keys(opts.spec).join(', ')}. Anything else goes in the JSON body.`],
    });
  }

  for (const [name, value] of Object.entries(parsed.body ?? {})) {
    if (opts.positional.includes(name) && !(name in opts.spec)) continue;
    const schema = opts.spec[name];
    if (schema && value !== null) {
      const r = schema.safeParse(value);
      if (!r.success) issues.push({ path: name, message: r.error.issues[0]?.message ?? 'invalid value' });
      else body[name] = r.data;
    } else body[name] = value;
    dotted.delete(name);
  }
  if (issues.length > 0) {
    throw new BotError('INVALID_ARGS', `\`${opts.command}\`: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`, { details: issues, hints });
  }
  return { body, dotted };
}

/** `before` with `patch` applied the way the user meant it: dotted fields merged into the current object. */
export function mergeDotted(before: Record<string, unknown>, collected: CollectedBody): Record<string, unknown> {
  const out = { ...collected.body };
  for (const field of collected.dotted) {
    const current = before[field];
    const given = out[field];
    if (isRecord(current) && isRecord(given)) out[field] = deepMerge(current, given);
  }
  return out;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = isRecord(cur) && isRecord(v) ? deepMerge(cur, v) : v;
  }
  return out;
}

/** True when a body carries a secret anywhere (an API key): the answer then goes to the requester only. */
export function carriesSecret(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(carriesSecret);
  if (!isRecord(v)) return false;
  return Object.entries(v).some(([k, x]) => (isSecretField(k) && x !== null && x !== '') || carriesSecret(x));
}
