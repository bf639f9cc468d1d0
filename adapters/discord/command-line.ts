/**
 * Slash-command options → a command line of the language, which the core
 * then parses exactly as if it had been typed in the console.
 */
import type { SubRoute } from './command-options.js';

export type OptionValue = string | number | boolean;

const SMART_DOUBLE = /["\u201c\u201d]/;
const SMART_SINGLE = /['\u2018\u2019]/;

/**
 * A value as one token of the language: bare when that is unambiguous,
 * otherwise quoted (a quoted token is never read as name=value, a flag or a
 * JSON body), or escaped character by character when it holds both quotes.
 */
export function quoteToken(value: string, opts: { named?: boolean } = {}): string {
  const bare = opts.named ? /^[^\s"'\\\u201c\u201d\u2018\u2019\u2014]+$/ : /^[^\s"'\\{=\u201c\u201d\u2018\u2019\u2014]+$/;
  if (bare.test(value) && (opts.named || !value.startsWith('--'))) return value;
  if (!SMART_DOUBLE.test(value)) return `"${value}"`;
  if (!SMART_SINGLE.test(value)) return `'${value}'`;
  // `""` first makes the token count as quoted; the rest is escaped.
  return `""${value.replace(/[\s"'\\\u201c\u201d\u2018\u2019]/g, (c) => `\\${c}`)}`;
}

const show = (v: OptionValue): string => (typeof v === 'string' ? v : String(v));

/**
 * The command line for a subcommand and the option values chosen (by
 * Discord option name). Positional arguments are written as words while they
 * are contiguous, then as name=value; `--public` when asked for.
 */
export function commandLine(route: SubRoute, values: Readonly<Record<string, OptionValue | undefined>>): string {
  const parts: string[] = [];
  let json: string | undefined;
  let more: string | undefined;
  let isPublic = false;
  const bodyExtras: Record<string, boolean> = {};

  if (!route.command) {
    const line = route.options.find((o) => o.role === 'line');
    const text = line ? values[line.name] : undefined;
    parts.push(typeof text === 'string' ? text.trim() : '');
  } else {
    parts.push(...route.command.words);
    const args = route.options.flatMap((o) => (o.role === 'arg' ? [{ o, spec: o.spec, value: values[o.name] }] : []));
    const positional = args.filter((a) => a.spec.position !== undefined).sort((a, b) => a.spec.position! - b.spec.position!);
    let contiguous = true;
    for (const a of positional) {
      if (a.value === undefined) contiguous = false;
      else if (contiguous) parts.push(quoteToken(show(a.value)));
      else parts.push(`${a.spec.name}=${quoteToken(show(a.value), { named: true })}`);
    }
    for (const a of args) {
      if (a.value === undefined || a.spec.position !== undefined) continue;
      if (a.spec.rest && contiguous) parts.push(quoteToken(show(a.value)));
      else if (a.spec.kind === 'flag') {
        if (a.value === true) parts.push(`--${a.spec.name}`);
        else if (a.spec.defaultValue !== false) bodyExtras[a.spec.name] = false;
      } else parts.push(`${a.spec.name}=${quoteToken(show(a.value), { named: true })}`);
    }
  }
  for (const o of route.options) {
    const v = values[o.name];
    if (v === undefined) continue;
    if (o.role === 'public' && v === true) isPublic = true;
    if (o.role === 'more' && typeof v === 'string' && v.trim()) more = v.trim();
    if (o.role === 'json' && typeof v === 'string' && v.trim()) json = v.trim();
  }
  if (more) parts.push(more);
  if (isPublic && !/(^|\s)--public(\s|$)/.test(parts.join(' '))) parts.push('--public');
  if (Object.keys(bodyExtras).length > 0) json = mergeBody(json, bodyExtras);
  if (json) parts.push(json);
  return parts.filter((p) => p !== '').join(' ');
}

/** Booleans that only a JSON body can set to false, under what the user typed (which wins). */
function mergeBody(typed: string | undefined, extras: Record<string, boolean>): string {
  if (!typed) return JSON.stringify(extras);
  try {
    const parsed: unknown = JSON.parse(typed);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return JSON.stringify({ ...extras, ...parsed });
  } catch {
    // Not JSON: pass it on as typed so the parser names the problem.
  }
  return typed;
}
