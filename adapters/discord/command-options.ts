/**
 * One command of the language as one slash subcommand: its options (typed
 * from the zod schema), their descriptions at three levels of detail, and the
 * route that turns the chosen options back into a command line.
 */
import { ApplicationCommandOptionType as OptionType } from 'discord.js';
import type { Command } from '../../src/core/command.js';
import type { ArgSpec } from './arg-specs.js';
import { clip, LIMITS, type OptionJSON } from './discord-limits.js';

/** Where autocomplete takes its choices from. */
export type LookupKind = 'providers' | 'aliases' | 'keys' | 'userQuotas' | 'checkers' | 'mcpServers' | 'commands';

export type OptionRoute = { name: string; lookup?: LookupKind } & (
  | { role: 'arg'; spec: ArgSpec }
  /** Answer in the channel instead of only to the caller (reads). */
  | { role: 'public' }
  /** A JSON body, appended as typed. */
  | { role: 'json' }
  /** Further name=value pairs (options that did not fit), appended as typed. */
  | { role: 'more' }
  /** A file the command needs (restore: the backup). */
  | { role: 'file' }
  /** `run`: a whole command line. */
  | { role: 'line' }
);

export interface SubRoute {
  group?: string;
  name: string;
  /** Undefined for `run`. */
  command?: Command;
  options: OptionRoute[];
}

/** How one command is presented; `collapsed` moves its optional named options into `more`. */
export interface SubModel {
  command: Command;
  group?: string;
  name: string;
  specs: ArgSpec[] | undefined;
  /** Takes name=value pairs beyond its listed arguments. */
  open: boolean;
  json: boolean;
  file: boolean;
  collapsed: boolean;
  folded: boolean;
}

/** How long descriptions may be, from full (level 0) to terse (the last level). */
export interface DetailLevel {
  sub: number;
  group: number;
  arg: number;
  more: number;
  /** Short fixed texts for the bot's own options, and no hints on arguments. */
  terse: boolean;
}

export const DETAIL_LEVELS: readonly DetailLevel[] = [
  { sub: 100, group: 100, arg: 100, more: 100, terse: false },
  { sub: 80, group: 60, arg: 60, more: 100, terse: false },
  { sub: 60, group: 40, arg: 40, more: 60, terse: true },
  { sub: 50, group: 30, arg: 32, more: 60, terse: true },
  { sub: 40, group: 25, arg: 28, more: 50, terse: true },
  { sub: 30, group: 20, arg: 24, more: 40, terse: true },
];

/** An index into {@link DETAIL_LEVELS}. */
export type Detail = number;
const level = (d: Detail): DetailLevel => DETAIL_LEVELS[Math.min(Math.max(0, d), DETAIL_LEVELS.length - 1)]!;

export const sanitizeName = (s: string, sep = '_'): string =>
  s
    .toLowerCase()
    .replace(/[^-_\p{L}\p{N}]+/gu, sep)
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, LIMITS.commandName) || 'x';

/** `checkerId` → `checker_id` (Discord option names are lowercase). */
export const optionName = (argName: string): string => sanitizeName(argName.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));

const humanize = (name: string): string => {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export const firstSentence = (s: string): string => s.split(/(?<=[.!?])\s/)[0] ?? s;

const CREATE_VERBS = new Set(['create', 'new', 'add']);

/** Which live names complete this argument, judged by its name and the command's area. */
export function lookupFor(command: Command, spec: ArgSpec): LookupKind | undefined {
  if (spec.kind !== 'string' || spec.choices || spec.list) return undefined;
  // A name for something new has nothing to complete from.
  if (CREATE_VERBS.has(command.words[command.words.length - 1] ?? '')) return undefined;
  const n = spec.name.toLowerCase();
  const area = command.words[0] ?? '';
  if (n === 'provider') return 'providers';
  if (n === 'slug') return area === 'aliases' ? 'aliases' : 'providers';
  if (n === 'alias' || n === 'aliasid') return 'aliases';
  if (n === 'key' || n === 'keyname') return 'keys';
  if (n === 'checkerid' || n === 'checker') return 'checkers';
  if (n === 'server') return 'mcpServers';
  if (n === 'name') {
    const byArea: Record<string, LookupKind> = {
      keys: 'keys',
      'user-quotas': 'userQuotas',
      mcp: 'mcpServers',
      providers: 'providers',
      aliases: 'aliases',
    };
    return byArea[area];
  }
  return undefined;
}

const LOOKUP_NAMES: Record<LookupKind, string> = {
  providers: 'Provider slug',
  aliases: 'Alias name',
  keys: 'Inference key name',
  userQuotas: 'User quota name',
  checkers: 'Quota checker id',
  mcpServers: 'MCP server name',
  commands: 'Command line',
};

function argDescription(spec: ArgSpec, detail: Detail, lookup: LookupKind | undefined): string {
  const l = level(detail);
  if (l.terse) return clip(spec.description ?? humanize(spec.name), l.arg);
  const base = spec.description ?? (lookup ? LOOKUP_NAMES[lookup] : humanize(spec.name));
  const hints: string[] = [];
  if (spec.kind === 'integer' || spec.kind === 'number') {
    if (spec.min !== undefined && spec.max !== undefined) hints.push(`${spec.min}–${spec.max}`);
    else if (spec.min !== undefined) hints.push(`at least ${spec.min}`);
    else if (spec.max !== undefined) hints.push(`at most ${spec.max}`);
  }
  if (spec.list) hints.push('comma-separated');
  if (spec.choices && spec.choices.length > LIMITS.choices) hints.push(`one of ${spec.choices.join(', ')}`);
  if (spec.defaultValue !== undefined && spec.kind !== 'flag') hints.push(`default ${String(spec.defaultValue)}`);
  return clip(hints.length > 0 ? `${base} (${hints.join('; ')})` : base, l.arg);
}

const SAFE_INT = 2 ** 53;
const inRange = (n: number | undefined): n is number => n !== undefined && Math.abs(n) <= SAFE_INT;

function argOption(spec: ArgSpec, name: string, detail: Detail, lookup: LookupKind | undefined): OptionJSON {
  const type = {
    string: OptionType.String,
    integer: OptionType.Integer,
    number: OptionType.Number,
    flag: OptionType.Boolean,
    boolean: OptionType.Boolean,
  }[spec.kind];
  const o: OptionJSON = { type, name, description: argDescription(spec, detail, lookup) };
  if (spec.required) o.required = true;
  const choices = spec.choices?.filter((c) => c.length >= 1 && c.length <= LIMITS.choiceValue);
  if (choices && choices.length > 0 && choices.length <= LIMITS.choices && choices.length === spec.choices?.length) {
    o.choices = choices.map((c) => ({ name: c, value: c }));
  } else if (lookup) {
    o.autocomplete = true;
  }
  if (spec.kind === 'integer' || spec.kind === 'number') {
    if (inRange(spec.min)) o.min_value = spec.min;
    if (inRange(spec.max)) o.max_value = spec.max;
  }
  if (spec.kind === 'string' && !o.choices) {
    if (spec.minLength !== undefined && spec.minLength <= 6000) o.min_length = spec.minLength;
    if (spec.maxLength !== undefined && spec.maxLength >= 1 && spec.maxLength <= 6000) o.max_length = spec.maxLength;
  }
  return o;
}

const isShownWhenCollapsed = (s: ArgSpec) => s.required || s.position !== undefined || Boolean(s.rest);

/** Optional named arguments that `collapse` would move into `more`. */
export const collapsible = (m: SubModel): ArgSpec[] => (m.specs ?? []).filter((s) => !isShownWhenCollapsed(s));

export const PUBLIC_DESCRIPTION = 'Show the answer to the channel (default: only you)';

/** The subcommand JSON and its route, at the given detail. */
export function renderSub(m: SubModel, detail: Detail): { json: OptionJSON; route: SubRoute } {
  const taken = new Set<string>();
  const unique = (want: string): string => {
    let name = want;
    for (let i = 2; taken.has(name); i++) name = `${want.slice(0, LIMITS.commandName - String(i).length - 1)}_${i}`;
    taken.add(name);
    return name;
  };
  const items: { json: OptionJSON; route: OptionRoute }[] = [];
  // With an attachment option, a console file path argument has no use here.
  const specs = (m.specs ?? []).filter((s) => !(m.file && (s.name === 'file' || s.name === 'path')));
  const shown = m.collapsed ? specs.filter(isShownWhenCollapsed) : specs;
  for (const spec of shown) {
    const name = unique(optionName(spec.name));
    const lookup = lookupFor(m.command, spec);
    items.push({ json: argOption(spec, name, detail, lookup), route: { role: 'arg', spec, name, ...(lookup ? { lookup } : {}) } });
  }
  const hidden = specs.filter((s) => !shown.includes(s));
  if (!m.specs || hidden.length > 0 || m.open) {
    const name = unique('more');
    const what = !m.specs
      ? 'Arguments as typed in the console'
      : hidden.length > 0
        ? `More options as name=value: ${hidden.map((s) => `${s.name}=`).join(' ')}`
        : 'More options as name=value';
    items.push({ json: { type: OptionType.String, name, description: clip(what, level(detail).more) }, route: { role: 'more', name } });
  }
  if (m.json) {
    const name = unique('json');
    items.push({
      json: {
        type: OptionType.String,
        name,
        description: level(detail).terse ? 'JSON body' : 'JSON body, merged over the options, e.g. {"enabled":true}',
      },
      route: { role: 'json', name },
    });
  }
  if (m.file) {
    const name = unique(m.command.name === 'restore' ? 'backup' : 'file');
    items.push({
      json: {
        type: OptionType.Attachment,
        name,
        description: level(detail).terse ? 'The file' : 'The file the command needs',
        required: true,
      },
      route: { role: 'file', name },
    });
  }
  if (m.command.tier === 'read' && !m.command.private) {
    const name = unique('public');
    items.push({
      json: { type: OptionType.Boolean, name, description: level(detail).terse ? 'Show in channel' : PUBLIC_DESCRIPTION },
      route: { role: 'public', name },
    });
  }
  // Discord wants required options before optional ones.
  const ordered = [...items.filter((i) => i.json.required), ...items.filter((i) => !i.json.required)];
  const summary = detail === 0 ? m.command.summary : firstSentence(m.command.summary);
  return {
    json: {
      type: OptionType.Subcommand,
      name: m.name,
      description: clip(summary || m.command.name, level(detail).sub),
      options: ordered.map((i) => i.json),
    },
    route: { ...(m.group ? { group: m.group } : {}), name: m.name, command: m.command, options: ordered.map((i) => i.route) },
  };
}

/** Options a subcommand would have; more than Discord's 25 means it must be collapsed or folded. */
export const optionCount = (m: SubModel): number => renderSub(m, DETAIL_LEVELS.length - 1).json.options?.length ?? 0;
