import { z } from 'zod';
import { args } from '../core/args.js';
import { defineCommand, TIERS, tierRank, usageLine, type Command, type Tier } from '../core/command.js';
import { BotError } from '../base/errors.js';
import { closestCommands } from '../core/registry.js';
import { context, fields, reply, text } from '../render/reply.js';
import type { Reply } from '../render/reply.js';

const MORE_HELP = '`help <area>` lists its commands with an example each; `help <area> <action>` shows usage, tier and API calls.';

/** Some uses need more than the command's least tier: per-call tiers (`config cooldown`) or a `tierFor` (`api call`). */
const variesBy = (c: Command): 'calls' | 'use' | undefined =>
  c.calls.some((k) => k.tier && k.tier !== c.tier) ? 'calls' : c.tierFor ? 'use' : undefined;

/** `read`, `read+` (more for some uses), `write P` (answered privately). */
const tierTag = (c: Command): string => `${c.tier}${variesBy(c) ? '+' : ''}${c.private ? ' P' : ''}`;

/** What an area line lists: the action words, or for a one-word command what it does. */
const action = (c: Command): string => (c.words.length > 1 ? c.words.slice(1).join(' ') : c.summary.replace(/\.$/, ''));

function byArea(commands: readonly Command[]): Map<string, Command[]> {
  const areas = new Map<string, Command[]>();
  for (const c of commands) areas.set(c.words[0]!, [...(areas.get(c.words[0]!) ?? []), c]);
  return areas;
}

function hiddenNote(hidden: Command[], granted: Tier | null): Reply['blocks'] {
  if (hidden.length === 0) return [];
  const needed = TIERS.filter((t) => hidden.some((c) => c.tier === t) && (granted === null || tierRank(t) > tierRank(granted)));
  const n = hidden.length;
  return [
    context(
      `${n} more command${n === 1 ? '' : 's'} need${n === 1 ? 's' : ''} ` +
        `${needed.length > 0 ? `the ${needed.join(' or ')} tier` : 'a higher tier'}, which you do not have here.`,
    ),
  ];
}

function overview(commands: readonly Command[], can: (c: Command) => boolean, granted: Tier | null): Reply {
  const allowed = commands.filter(can);
  if (allowed.length === 0) {
    return reply({
      title: 'Plexus commands',
      blocks: [
        text(
          'You cannot run any command here. An admin grants a tier for this channel in the bot config file (plexus-bot.yml, `access:`).',
        ),
      ],
    });
  }
  const areas = byArea(allowed);
  return reply({
    title: 'Plexus commands',
    blocks: [
      text(`You have the ${granted ?? 'read'} tier here: ${allowed.length} commands in ${areas.size} areas.`),
      fields([...areas.entries()].map(([area, cs]) => ({ label: area, value: cs.map(action).join(', ') }))),
      context(MORE_HELP),
      ...hiddenNote(
        commands.filter((c) => !can(c)),
        granted,
      ),
    ],
  });
}

function tierText(c: Command): string {
  const varies = variesBy(c);
  const more = varies === 'calls' ? ', more for some uses (see API call)' : varies === 'use' ? ' or more, depending on the use' : '';
  return `${c.tier}${c.tier === 'destructive' ? ' (asks for confirmation)' : ''}${more}${c.private ? ', answered privately' : ''}`;
}

function detail(c: Command, allowed: boolean): Reply {
  return reply({
    title: `help: ${c.name}`,
    blocks: [
      text(c.summary),
      fields([
        { label: 'Usage', value: usageLine(c) },
        { label: 'Tier', value: tierText(c) },
        {
          label: 'API call',
          value:
            c.calls.length > 0
              ? c.calls.map((k) => `${k.method} ${k.path}${k.tier && k.tier !== c.tier ? ` (${k.tier})` : ''}`).join(', ')
              : 'none',
        },
        ...(c.example ? [{ label: 'Example', value: c.example }] : []),
      ]),
      ...(allowed ? [] : [context(`You cannot run this here: it needs the ${c.tier} tier.`)]),
    ],
  });
}

function areaHelp(area: string, inArea: Command[], can: (c: Command) => boolean, granted: Tier | null): Reply {
  const visible = inArea.filter(can);
  return reply({
    title: `help: ${area}`,
    blocks: [
      visible.length > 0
        ? fields(visible.map((c) => ({ label: `${c.name} (${tierTag(c)})`, value: `${c.summary}\ne.g. ${c.example ?? c.name}` })))
        : text(`You cannot run any \`${area}\` command here.`),
      ...(visible.length > 0
        ? [context('`help <area> <action>` shows the usage and API calls. Tier `+`: some uses need more; `P`: answered privately.')]
        : []),
      ...hiddenNote(
        inArea.filter((c) => !can(c)),
        granted,
      ),
    ],
  });
}

export const help = defineCommand({
  words: ['help'],
  summary: 'List the commands you may run here, or explain one.',
  usage: '[area] [action]',
  example: 'help providers delete',
  tier: 'read',
  rest: 'topic',
  args: args({ topic: z.string().optional() }),
  calls: [],
  run: async ({ args: { topic }, commands, can, granted }) => {
    if (!topic?.trim()) return overview(commands, can, granted);
    const words = topic.trim().toLowerCase().split(/\s+/);
    const exact = commands.find((c) => c.name === words.join(' '));
    if (exact) return detail(exact, can(exact));
    const inArea = commands.filter((c) => c.words[0] === words[0] && (words.length === 1 || c.words[1] === words[1]));
    if (inArea.length === 1) return detail(inArea[0]!, can(inArea[0]!));
    if (inArea.length > 1) return areaHelp(words.slice(0, 2).join(' '), inArea, can, granted);
    const allowed = commands.filter(can);
    const close = closestCommands(allowed.length > 0 ? allowed : commands, words);
    throw new BotError('UNKNOWN_COMMAND', `No help for \`${topic.trim()}\`.`, {
      hints: [
        close.length > 0 ? `Closest: ${close.map((c) => `\`${c.name}\``).join(', ')}` : 'Type `help` to list every command you may run.',
      ],
    });
  },
});
