import { args, int } from '../core/args.js';
import { defineCommand, type RunContext } from '../core/command.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH, formatTimestamp } from '../render/format.js';
import { reply, table, text } from '../render/reply.js';
import { KEY_NAME_FIELDS } from '../render/mask.js';
import { jsonReply } from './json-reply.js';
import { pageFooter } from './paging.js';
import { byActor, plural } from './changes.js';
import { findRecord, requestIdArg, SCAN_LIMIT, type RecordSource } from './record-lookup.js';

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
              page.data.map((e) => [
                formatTimestamp(e.date ?? e.createdAt, now),
                e.apiKey ?? DASH,
                (e.requestId ?? DASH).slice(0, 8),
                oneLine(e.errorMessage, 90),
              ]),
            )
          : text('No inference errors recorded.'),
        footer,
      ],
    });
  },
});

const errorSource = (ctx: RunContext<unknown>): RecordSource<S.ErrorRecord> => ({
  what: 'error',
  listCommand: 'errors list',
  page: (limit, offset) => ctx.deps.plexus.request('GET', ERRORS, { query: { limit, offset }, schema: S.errorPageSchema }),
  idOf: (e) => e.requestId,
  // There is no `GET errors/{id}`: an id older than the search may still exist, and deleting it is harmless if not.
  unseen: (id) => ({ requestId: id }),
});

const describeError = (e: S.ErrorRecord, now: number): string =>
  e.errorMessage === undefined && e.date === undefined && e.createdAt === undefined
    ? `not among the newest ${SCAN_LIMIT} errors, so not shown here; Plexus deletes it if it exists`
    : `${formatTimestamp(e.date ?? e.createdAt, now)} UTC, key ${e.apiKey ?? DASH}: ${oneLine(e.errorMessage, 140)}`;

export const errorsDelete = defineCommand({
  words: ['errors', 'delete'],
  summary: 'Delete one recorded inference error (its usage record stays).',
  usage: '<requestId> (or a unique prefix of it, or latest)',
  example: 'errors delete latest',
  tier: 'destructive',
  positional: ['requestId'],
  args: args({ requestId: requestIdArg() }),
  calls: [
    { method: 'GET', path: ERRORS },
    { method: 'DELETE', path: mgmtPath('errors', '{requestId}') },
  ],
  describeRisk: async (ctx) => {
    const e = await findRecord(errorSource(ctx), ctx.args.requestId);
    // Pin the record shown: `latest` or a prefix must not mean another one by the time the user confirms.
    const requestId = e.requestId ?? ctx.args.requestId;
    return {
      lines: [
        `The error of request \`${requestId}\` will be deleted, with its stack and details: ${describeError(e, ctx.deps.clock.now())}.`,
      ],
      plan: { requestId },
    };
  },
  run: async (ctx) => {
    const e = await findRecord(errorSource(ctx), ctx.plan?.requestId ?? ctx.args.requestId);
    const id = e.requestId ?? ctx.args.requestId;
    await ctx.deps.plexus.request('DELETE', mgmtPath('errors', id), { schema: S.successSchema });
    return reply({
      title: 'Error deleted',
      severity: 'success',
      blocks: [text(`\`${id}\`: ${describeError(e, ctx.deps.clock.now())}`), byActor(ctx.actor)],
    });
  },
});

async function errorCount(ctx: RunContext<unknown>): Promise<number> {
  return (await ctx.deps.plexus.request('GET', ERRORS, { query: { limit: 1, offset: 0 }, schema: S.errorPageSchema })).total;
}

export const errorsClear = defineCommand({
  words: ['errors', 'clear'],
  summary: 'Delete every recorded inference error (usage records stay).',
  example: 'errors clear',
  tier: 'destructive',
  args: args({}),
  calls: [
    { method: 'GET', path: ERRORS },
    { method: 'DELETE', path: ERRORS },
  ],
  describeRisk: async (ctx) => {
    const n = await errorCount(ctx);
    if (n === 0) return { lines: ['There are no recorded errors: nothing will be lost.'] };
    return {
      lines: [
        `All ${plural(n, 'recorded error')} will be deleted, with their messages, stacks and details. Usage records of the ` +
          'failed requests stay.',
      ],
    };
  },
  run: async (ctx) => {
    const n = await errorCount(ctx);
    await ctx.deps.plexus.request('DELETE', ERRORS, { schema: S.successSchema });
    return reply({
      title: 'Errors cleared',
      severity: 'success',
      blocks: [text(`${plural(n, 'recorded error')} deleted.`), byActor(ctx.actor)],
    });
  },
});

export const errorCommands = [errorsList, errorsDelete, errorsClear];
