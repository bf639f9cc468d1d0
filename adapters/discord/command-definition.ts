/**
 * The `/plexus` application command, generated from the command registry:
 * areas become subcommand groups, actions subcommands, arguments typed
 * options; single-word commands are top-level subcommands; `run` takes any
 * command line. When the language does not fit Discord's limits, descriptions
 * get shorter; then destructive actions are folded behind `run`, option-heavy
 * commands take their optional options as one `more` text option, and writes,
 * then reads, are folded (the largest first).
 */
import { ApplicationCommandOptionType as OptionType, ApplicationIntegrationType, InteractionContextType } from 'discord.js';
import type { Command } from '../../src/core/command.js';
import { argSpecs, takesOtherNames } from './arg-specs.js';
import {
  collapsible,
  DETAIL_LEVELS,
  optionCount,
  PUBLIC_DESCRIPTION,
  renderSub,
  sanitizeName,
  type Detail,
  type SubModel,
  type SubRoute,
} from './command-options.js';
import { clip, commandChars, LIMITS, type CommandJSON, type OptionJSON } from './discord-limits.js';

export type { OptionRoute, SubRoute, LookupKind } from './command-options.js';

export interface CommandDefinition {
  json: CommandJSON;
  /** By {@link routeKey}: how each subcommand maps back to a command line. */
  routes: Map<string, SubRoute>;
  /** Commands reachable only through `run`. */
  folded: Command[];
}

export const RUN = 'run';
export const routeKey = (group: string | undefined | null, sub: string): string => (group ? `${group} ${sub}` : sub);

const TAKES_JSON = /\{\s*(json|\.\.\.)\s*\}|JSON body/i;
const TAKES_FILE = /\battach/i;

function models(commands: readonly Command[]): SubModel[] {
  const out: SubModel[] = [];
  const seen = new Set<string>();
  const areas = new Set(commands.filter((c) => c.words.length > 1).map((c) => sanitizeName(c.words[0]!, '-')));
  for (const command of commands) {
    const single = command.words.length === 1;
    const group = single ? undefined : sanitizeName(command.words[0]!, '-');
    const name = single ? sanitizeName(command.words[0]!, '-') : sanitizeName(command.words.slice(1).join('-'), '-');
    const key = routeKey(group, name);
    // A name Discord cannot hold twice, `run` itself, or a single word that is also an area: reachable through `run`.
    const clash = seen.has(key) || (single ? name === RUN || areas.has(name) : group === RUN);
    seen.add(key);
    out.push({
      command,
      ...(group ? { group } : {}),
      name,
      specs: argSpecs(command),
      open: takesOtherNames(command),
      json: TAKES_JSON.test(command.usage ?? ''),
      file: TAKES_FILE.test(command.usage ?? '') || command.name === 'restore',
      collapsed: false,
      folded: clash,
    });
  }
  return out;
}

function runSubcommand(detail: Detail): { json: OptionJSON; route: SubRoute } {
  return {
    json: {
      type: OptionType.Subcommand,
      name: RUN,
      description: DETAIL_LEVELS[detail]?.terse
        ? 'Run any command line'
        : 'Run any command line of the language, e.g. providers list (see help)',
      options: [
        {
          type: OptionType.String,
          name: 'command',
          description: 'The command line, as in the console: area action arguments',
          required: true,
          autocomplete: true,
        },
        { type: OptionType.Boolean, name: 'public', description: PUBLIC_DESCRIPTION },
        { type: OptionType.Attachment, name: 'file', description: 'A file the command needs (restore: the backup)' },
      ],
    },
    route: {
      name: RUN,
      options: [
        { role: 'line', name: 'command', lookup: 'commands' },
        { role: 'public', name: 'public' },
        { role: 'file', name: 'file' },
      ],
    },
  };
}

function render(subs: SubModel[], detail: Detail, name: string): CommandDefinition {
  const options: OptionJSON[] = [];
  const routes = new Map<string, SubRoute>();
  const groups = new Map<string, OptionJSON>();
  for (const m of subs) {
    if (m.folded) continue;
    const { json, route } = renderSub(m, detail);
    routes.set(routeKey(m.group, m.name), route);
    if (!m.group) {
      options.push(json);
      continue;
    }
    let g = groups.get(m.group);
    if (!g) {
      g = { type: OptionType.SubcommandGroup, name: m.group, description: '', options: [] };
      groups.set(m.group, g);
      options.push(g);
    }
    g.options!.push(json);
  }
  for (const g of groups.values()) {
    const actions = `${g.name}: ${g.options!.map((o) => o.name).join(', ')}`;
    g.description = clip(actions, DETAIL_LEVELS[detail]?.group ?? LIMITS.description);
  }
  const run = runSubcommand(detail);
  options.push(run.json);
  routes.set(RUN, run.route);
  return {
    json: {
      name,
      description: 'Manage the Plexus LLM gateway (run takes any command line)',
      type: 1,
      options,
      contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
      integration_types: [ApplicationIntegrationType.GuildInstall],
    },
    routes,
    folded: subs.filter((m) => m.folded).map((m) => m.command),
  };
}

/** Folds what cannot be counted into Discord's per-level limits. */
function fitCounts(subs: SubModel[]): void {
  for (const m of subs) {
    if (m.folded || optionCount(m) <= LIMITS.optionsPerLevel) continue;
    m.collapsed = true;
    if (optionCount(m) > LIMITS.optionsPerLevel) m.folded = true;
  }
  const live = () => subs.filter((m) => !m.folded);
  const byGroup = new Map<string, SubModel[]>();
  for (const m of live()) if (m.group) byGroup.set(m.group, [...(byGroup.get(m.group) ?? []), m]);
  for (const members of byGroup.values()) for (const m of members.slice(LIMITS.optionsPerLevel)) m.folded = true;
  // Top level: singles + groups + run. Fold whole areas, the smallest (then the last listed) first.
  const topCount = () => new Set(live().map((m) => m.group ?? `/${m.name}`)).size + 1;
  while (topCount() > LIMITS.optionsPerLevel) {
    const sizes = new Map<string, number>();
    for (const m of live()) if (m.group) sizes.set(m.group, (sizes.get(m.group) ?? 0) + 1);
    const order = [...sizes.entries()].reverse().sort((a, b) => a[1] - b[1]);
    const victim = order[0]?.[0];
    if (victim === undefined) {
      const last = live()
        .filter((m) => m.command.name !== 'help')
        .pop();
      if (!last) break;
      last.folded = true;
    } else {
      for (const m of live()) if (m.group === victim) m.folded = true;
    }
  }
}

/**
 * The `/plexus` command for these commands, within Discord's limits
 * (`budget` is the character limit, 8000 unless a test wants less).
 */
export function buildCommandDefinition(commands: readonly Command[], opts: { name?: string; budget?: number } = {}): CommandDefinition {
  const name = opts.name ?? 'plexus';
  const budget = opts.budget ?? LIMITS.commandChars;
  const subs = models(commands);
  fitCounts(subs);
  const fits = (d: CommandDefinition) => commandChars(d.json) <= budget;
  const terse = DETAIL_LEVELS.length - 1;
  for (let detail = 0; detail <= terse; detail++) {
    const d = render(subs, detail, name);
    if (fits(d)) return d;
  }
  const size = (m: SubModel) => {
    const { json } = renderSub(m, terse);
    return commandChars({ name: json.name, description: json.description, options: json.options ?? [] });
  };
  const largestFirst = (xs: SubModel[]) => xs.sort((a, b) => size(b) - size(a));
  const foldable = (tier: Command['tier']) => largestFirst(subs.filter((m) => !m.folded && m.group && m.command.tier === tier));
  // What goes first is what is used least: destructive actions (confirmed anyway, and rare), then the
  // optional options of the heaviest commands, then writes, then reads. Help and single-word commands stay.
  const fold = (m: SubModel) => (m.folded = true);
  const collapse = (m: SubModel) => (m.collapsed = true);
  const moves: [() => SubModel[], (m: SubModel) => void][] = [
    [() => foldable('destructive'), fold],
    [() => largestFirst(subs.filter((m) => !m.folded && !m.collapsed && collapsible(m).length >= 2)), collapse],
    [() => foldable('write'), fold],
    [() => foldable('read'), fold],
    [() => largestFirst(subs.filter((m) => !m.folded && m.command.name !== 'help')), fold],
  ];
  for (const [candidates, apply] of moves) {
    for (const m of candidates()) {
      apply(m);
      const d = render(subs, terse, name);
      if (fits(d)) return d;
    }
  }
  return render(subs, terse, name);
}
