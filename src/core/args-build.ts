import type { z } from 'zod';
import { usageLine, type Command } from './command.js';
import { BotError, type FieldIssue } from '../base/errors.js';
import { collectFields } from './open-fields.js';
import type { ParsedLine } from './parse.js';

const REQUIRED = 'is required';

function issueText(issue: z.core.$ZodIssue, raw: Record<string, unknown>): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `${k}=`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.path.length === 1 && raw[String(issue.path[0])] === undefined) return REQUIRED;
  return issue.message;
}

export function zodIssues(error: z.ZodError, raw: Record<string, unknown> = {}): FieldIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: issueText(i, raw) }));
}

/** Turns the parsed words/pairs/flags/body into the command's typed args, or an INVALID_ARGS error with the usage line. */
export function buildArgs(command: Command, parsed: ParsedLine, rest: string[]): unknown {
  const raw: Record<string, unknown> = { ...parsed.named };
  const names = command.positional ?? [];
  const extra: string[] = [];
  rest.forEach((value, i) => {
    const name = names[i];
    if (name !== undefined) raw[name] = value;
    else if (command.rest) extra.push(value);
    else extra.push(value);
  });
  if (command.rest) {
    if (extra.length > 0) raw[command.rest] = extra.join(' ');
  } else if (extra.length > 0) {
    const words = extra.length === 1 ? 'the extra word' : 'the extra words';
    throw new BotError('INVALID_ARGS', `\`${command.name}\` does not take ${words} ${extra.map((w) => `'${w}'`).join(' ')}.`, {
      hints: [`Usage: ${usageLine(command)}`],
    });
  }
  for (const f of parsed.flags) raw[f] = true;
  if (parsed.body) Object.assign(raw, parsed.body);

  const open = command.fields;
  // With open fields, only the positionals go through the args schema; the rest is typed by the field spec.
  const result = command.args.safeParse(open ? Object.fromEntries(names.filter((n) => n in raw).map((n) => [n, raw[n]])) : raw);
  if (result.success) {
    if (!open) return result.data;
    const given = result.data as Record<string, unknown>;
    return { ...given, fields: collectFields(command.name, open.usage ?? usageLine(command), open, parsed, given, names) };
  }
  const details = zodIssues(result.error, raw);
  const missing = details.filter((d) => d.message === REQUIRED).map((d) => (names.includes(d.path) ? `<${d.path}>` : `${d.path}=`));
  const message =
    missing.length > 0
      ? `\`${command.name}\`: missing ${missing.join(', ')}.`
      : `\`${command.name}\`: ${details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ')}.`;
  throw new BotError('INVALID_ARGS', message, {
    details,
    hints: [`Usage: ${usageLine(command)}`, ...(command.example ? [`Example: ${command.example}`] : [])],
  });
}
