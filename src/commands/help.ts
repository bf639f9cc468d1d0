import { z } from 'zod';
import { args } from '../core/args.js';
import { defineCommand, usageLine, type Command } from '../core/command.js';
import { BotError } from '../core/errors.js';
import { closestCommands } from '../core/registry.js';
import { context, fields, reply, table, text } from '../render/reply.js';
import type { Reply } from '../render/reply.js';

function overview(commands: readonly Command[], can: (c: Command) => boolean): Reply {
  const allowed = commands.filter(can);
  if (allowed.length === 0) {
    return reply({
      title: 'Plexus commands',
      blocks: [text('You cannot run any command here. An admin grants a tier for this channel in the bot config file (plexus-bot.yml, `access:`).')],
    });
  }
  const byArea = new Map<string, Command[]>();
  for (const c of allowed) byArea.set(c.words[0]!, [...(byArea.get(c.words[0]!) ?? []), c]);
  const rows = [...byArea.entries()].flatMap(([, cs]) => cs.map((c) => [usageLine(c), c.tier, c.summary]));
  const hidden = commands.length - allowed.length;
  return reply({
    title: 'Plexus commands',
    blocks: [
      table(['command', 'tier', 'what it does'], rows),
      context('`help <area>` lists an area with examples; `help <area> <action>` shows usage, tier and the API call.'),
      ...(hidden > 0 ? [context(`${hidden} more command${hidden === 1 ? '' : 's'} need${hidden === 1 ? 's' : ''} a higher tier than you have here.`)] : []),
    ],
  });
}

function detail(c: Command, allowed: boolean): Reply {
  return reply({
    title: `help: ${c.name}`,
    blocks: [
      text(c.summary),
      fields([
        { label: 'Usage', value: usageLine(c) },
        { label: 'Tier', value: `${c.tier}${c.tier === 'destructive' ? ' (asks for confirmation)' : ''}${c.private ? ', answered privately' : ''}` },
        { label: 'API call', value: c.calls.length > 0 ? c.calls.map((k) => `${k.method} ${k.path}`).join(', ') : 'none' },
        ...(c.example ? [{ label: 'Example', value: c.example }] : []),
      ]),
      ...(allowed ? [] : [context(`You cannot run this here: it needs the ${c.tier} tier.`)]),
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
  run: async ({ args: { topic }, commands, can }) => {
    if (!topic) return overview(commands, can);
    const words = topic.toLowerCase().split(/\s+/);
    const exact = commands.find((c) => c.name === words.join(' '));
    if (exact) return detail(exact, can(exact));
    const inArea = commands.filter((c) => c.words[0] === words[0] && (words.length === 1 || c.words[1] === words[1]));
    if (inArea.length === 1) return detail(inArea[0]!, can(inArea[0]!));
    if (inArea.length > 1) {
      const visible = inArea.filter(can);
      return reply({
        title: `help: ${words[0]}`,
        blocks: [
          visible.length > 0
            ? table(['command', 'tier', 'example'], visible.map((c) => [usageLine(c), c.tier, c.example ?? c.name]))
            : text(`You cannot run any \`${words[0]}\` command here.`),
          ...(visible.length < inArea.length ? [context(`${inArea.length - visible.length} more need a higher tier than you have here.`)] : []),
        ],
      });
    }
    const close = closestCommands(commands, words);
    throw new BotError('UNKNOWN_COMMAND', `No help for \`${topic}\`.`, {
      hints: [close.length > 0 ? `Closest: ${close.map((c) => `\`${c.name}\``).join(', ')}` : 'Type `help` to list every command you may run.'],
    });
  },
});
