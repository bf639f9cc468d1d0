import { args, int } from '../core/args.js';
import { defineCommand } from '../core/command.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH, formatTimestamp } from '../render/format.js';
import { reply, table, text } from '../render/reply.js';
import { KEY_NAME_FIELDS } from '../render/mask.js';
import { jsonReply } from './json-reply.js';
import { pageFooter } from './paging.js';

const ERRORS = mgmtPath('errors');

const oneLine = (s: string | null | undefined, max: number) => {
  if (!s) return DASH;
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export const errorsList = defineCommand({
  words: ['errors', 'list'],
  summary: 'List inference errors, newest first.',
  usage: '[limit= offset=]',
  example: 'errors list limit=10',
  tier: 'read',
  args: args({ limit: int({ min: 1, max: 200 }).default(20), offset: int({ min: 0 }).default(0) }),
  calls: [{ method: 'GET', path: ERRORS }],
  run: async (ctx) => {
    const { limit, offset } = ctx.args;
    const page = await ctx.deps.plexus.request('GET', ERRORS, { query: { limit, offset }, schema: S.errorPageSchema });
    const footer = pageFooter(ctx.line, { limit, offset, shown: page.data.length, total: page.total });
    if (ctx.json) {
      const out = jsonReply('Errors', page.data, { keepFields: KEY_NAME_FIELDS });
      out.blocks.push(footer);
      return out;
    }
    const now = ctx.deps.clock.now();
    return reply({
      title: 'Inference errors',
      severity: page.data.length > 0 ? 'warning' : 'success',
      blocks: [
        page.data.length > 0
          ? table(
              ['time', 'key', 'request', 'error'],
              page.data.map((e) => [formatTimestamp(e.date ?? e.createdAt, now), e.apiKey ?? DASH, (e.requestId ?? DASH).slice(0, 8), oneLine(e.errorMessage, 90)]),
            )
          : text('No inference errors recorded.'),
        footer,
      ],
    });
  },
});

export const errorCommands = [errorsList];
