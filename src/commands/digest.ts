import { args, word } from '../core/args.js';
import { defineCommand } from '../core/command.js';
import type { DigestsApi } from '../core/deps.js';
import { BotError } from '../base/errors.js';
import { mgmtPath } from '../plexus/path.js';
import { DASH, formatTimestamp } from '../render/format.js';
import { context, reply, table, text } from '../render/reply.js';
import { jsonReply } from './json-reply.js';

function service(d: DigestsApi | undefined): DigestsApi {
  if (!d) throw new BotError('INTERNAL', 'Digests are not available in this build of the bot.');
  return d;
}

export const digestList = defineCommand({
  words: ['digest', 'list'],
  summary: 'List the scheduled digests: schedule, time zone, range, channels and next run.',
  example: 'digest list',
  tier: 'read',
  args: args({}),
  calls: [],
  run: async (ctx) => {
    const list = await service(ctx.deps.digests).list();
    if (ctx.json) return jsonReply('Digests', list);
    if (list.length === 0) {
      return reply({
        title: 'Digests',
        blocks: [
          text('No digest is scheduled. Add a `digests:` list to plexus-bot.yml (name, schedule, timezone, range, channels).'),
          context('`digest now daily` shows what a daily digest would say.'),
        ],
      });
    }
    const now = ctx.deps.clock.now();
    return reply({
      title: `Digests (${list.length})`,
      severity: list.some((d) => d.problem) ? 'warning' : 'info',
      blocks: [
        table(
          ['name', 'schedule', 'range', 'channels', 'next run', 'last posted'],
          list.map((d) => [
            d.name,
            `${d.schedule} (${d.timezone})`,
            d.range,
            d.channels.join(', ') || 'none',
            d.problem ? 'not scheduled' : d.nextRun === null ? DASH : `${formatTimestamp(d.nextRun, now)} UTC`,
            d.lastPosted === null ? DASH : `${formatTimestamp(d.lastPosted, now)} UTC`,
          ]),
        ),
        ...list.flatMap((d) => (d.problem ? [text(`\`${d.name}\` is not scheduled: ${d.problem}`)] : [])),
        context('`digest now <name>` shows one to you now, without posting it.'),
      ],
    });
  },
});

export const digestNow = defineCommand({
  words: ['digest', 'now'],
  summary: 'Build a digest now and show it to you (nothing is posted to its channels).',
  usage: '<name>',
  example: 'digest now daily',
  tier: 'read',
  positional: ['name'],
  args: args({ name: word('<name>') }),
  calls: [
    { method: 'GET', path: mgmtPath('usage', 'summary') },
    { method: 'GET', path: mgmtPath('metrics') },
    { method: 'GET', path: mgmtPath('cooldowns') },
    { method: 'GET', path: mgmtPath('quotas') },
    { method: 'GET', path: mgmtPath('keys') },
    { method: 'GET', path: mgmtPath('quota', 'status', '{key}') },
  ],
  run: async (ctx) => {
    const { reply: out, data } = await service(ctx.deps.digests).preview(ctx.args.name);
    return ctx.json ? jsonReply(`Digest preview: ${ctx.args.name}`, data) : out;
  },
});

export const digestCommands = [digestList, digestNow];
