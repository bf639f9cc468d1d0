import { z } from 'zod';
import { args, int, list } from '../core/args.js';
import { defineCommand, type RunContext } from '../core/command.js';
import { BotError } from '../base/errors.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH, formatChange, formatDuration, formatMoney, formatNumber, formatPercent, formatTimestamp } from '../render/format.js';
import { context, fields, reply, table, text } from '../render/reply.js';
import { sparkline } from '../render/sparkline.js';
import { KEY_NAME_FIELDS } from '../render/mask.js';
import { jsonReply } from './json-reply.js';
import { pageFooter } from './paging.js';
import { parseTimeInput, timeArg, TIME_HINT } from './time-input.js';
import { byActor, plural } from './changes.js';
import { findRecord, requestIdArg, type RecordSource } from './record-lookup.js';

const USAGE = mgmtPath('usage');
const SUMMARY = mgmtPath('usage', 'summary');
const RANGE_MS = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000 } as const;

const iso = (ms: number) => new Date(ms).toISOString();
const sum = (xs: readonly (number | null | undefined)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);

function resolveTime(value: string | undefined, now: number, name: string): number | undefined {
  if (value === undefined) return undefined;
  const t = parseTimeInput(value, now);
  if (t === undefined) throw new BotError('INVALID_ARGS', `${name}: expected ${TIME_HINT}.`);
  return t;
}

export const usageSummary = defineCommand({
  words: ['usage', 'summary'],
  summary: 'Requests, tokens, latency, errors and cost over a period, with the change against the previous one.',
  usage: '[range=hour|day|week|month] [from= to=]',
  example: 'usage summary range=week',
  tier: 'read',
  positional: ['range'],
  args: args({
    range: z.enum(['hour', 'day', 'week', 'month'], { error: 'expected hour, day, week or month' }).default('day'),
    from: timeArg().optional(),
    to: timeArg().optional(),
  }),
  calls: [
    { method: 'GET', path: SUMMARY },
    { method: 'GET', path: USAGE },
  ],
  run: async (ctx) => {
    const now = ctx.deps.clock.now();
    const from = resolveTime(ctx.args.from, now, 'from');
    const to = resolveTime(ctx.args.to, now, 'to') ?? now;
    if (from !== undefined && from >= to)
      throw new BotError('INVALID_ARGS', '`from` must be before `to`.', {
        hints: ['Usage: usage summary [range=hour|day|week|month] [from= to=]'],
      });
    const custom = from !== undefined;
    const length = custom ? to - from : RANGE_MS[ctx.args.range];
    const start = custom ? from : now - length;
    const plexus = ctx.deps.plexus;
    const [cur, prev, errors] = await Promise.all([
      plexus.request('GET', SUMMARY, {
        query: custom ? { range: 'custom', startDate: iso(start), endDate: iso(to) } : { range: ctx.args.range },
        schema: S.usageSummarySchema,
      }),
      plexus.request('GET', SUMMARY, {
        query: { range: 'custom', startDate: iso(start - length), endDate: iso(start) },
        schema: S.usageSummarySchema,
      }),
      plexus.request('GET', USAGE, {
        query: { responseStatus: 'error', startDate: iso(start), endDate: iso(to), limit: 1, fields: 'requestId' },
        schema: S.usagePageSchema,
      }),
    ]);
    if (ctx.json) return jsonReply('Usage summary', { current: cur, previous: prev, errors: errors.total });
    const requests = cur.stats?.totalRequests ?? sum(cur.series.map((b) => b.requests));
    const prevRequests = prev.stats?.totalRequests ?? sum(prev.series.map((b) => b.requests));
    const tokensIn = sum(cur.series.map((b) => b.inputTokens));
    const tokensOut = sum(cur.series.map((b) => b.outputTokens));
    const prevIn = sum(prev.series.map((b) => b.inputTokens));
    const prevOut = sum(prev.series.map((b) => b.outputTokens));
    const errorCount = errors.total ?? 0;
    const label = custom ? `${formatTimestamp(start)} → ${formatTimestamp(to)} UTC` : `last ${ctx.args.range}`;
    return reply({
      title: `Usage summary: ${label}`,
      blocks: [
        fields([
          { label: 'Requests', value: `${formatNumber(requests)} (${formatChange(requests, prevRequests)})` },
          {
            label: 'Tokens in / out',
            value:
              `${formatNumber(tokensIn)} (${formatChange(tokensIn, prevIn)}) / ${formatNumber(tokensOut)} ` +
              `(${formatChange(tokensOut, prevOut)})`,
          },
          {
            label: 'Avg latency',
            value: `${formatDuration(cur.stats?.avgDurationMs)} (${formatChange(cur.stats?.avgDurationMs, prev.stats?.avgDurationMs)})`,
          },
          {
            label: 'Errors',
            value: requests > 0 ? `${formatNumber(errorCount)} (${formatPercent(errorCount / requests)})` : formatNumber(errorCount),
          },
          { label: 'Cost today (UTC day so far)', value: cur.today ? formatMoney(cur.today.totalCost) : DASH },
        ]),
        ...(cur.series.length > 1 ? [text(`Requests ${sparkline(cur.series.map((b) => b.requests))}`)] : []),
        context(
          'Changes compare with the period just before. Plexus counts whole minutes: the current minute is not in these figures yet.',
        ),
      ],
    });
  },
});

const SORT = ['date', 'apiKey', 'provider', 'incomingModelAlias', 'costTotal', 'durationMs'] as const;

export const usageList = defineCommand({
  words: ['usage', 'list'],
  summary: 'List usage records, newest first, with filters and paging.',
  usage:
    '[limit= offset= sortBy= sortDir= since= until= key= attribution= incomingApiType= provider= alias= model= outgoingApiType= ' +
    'status= minDurationMs= maxDurationMs= fields=]',
  example: 'usage list provider=openai status=error since=24h',
  tier: 'read',
  args: args({
    limit: int({ min: 1, max: 200 }).default(20),
    offset: int({ min: 0 }).default(0),
    sortBy: z.enum(SORT, { error: `expected one of ${SORT.join(', ')}` }).optional(),
    sortDir: z.enum(['asc', 'desc'], { error: 'expected asc or desc' }).optional(),
    since: timeArg().optional(),
    until: timeArg().optional(),
    key: z.string().min(1).optional(),
    attribution: z.string().min(1).optional(),
    incomingApiType: z.string().min(1).optional(),
    provider: z.string().min(1).optional(),
    alias: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    outgoingApiType: z.string().min(1).optional(),
    status: z.enum(['success', 'error', 'pending'], { error: 'expected success, error or pending' }).optional(),
    minDurationMs: int({ min: 0 }).optional(),
    maxDurationMs: int({ min: 0 }).optional(),
    fields: list().optional(),
  }),
  calls: [{ method: 'GET', path: USAGE }],
  run: async (ctx) => {
    const a = ctx.args;
    const now = ctx.deps.clock.now();
    const since = resolveTime(a.since, now, 'since');
    const until = resolveTime(a.until, now, 'until');
    const page = await ctx.deps.plexus.request('GET', USAGE, {
      query: {
        limit: a.limit,
        offset: a.offset,
        sortBy: a.sortBy,
        sortDir: a.sortDir,
        startDate: since === undefined ? undefined : iso(since),
        endDate: until === undefined ? undefined : iso(until),
        apiKey: a.key,
        attribution: a.attribution,
        incomingApiType: a.incomingApiType,
        provider: a.provider,
        incomingModelAlias: a.alias,
        selectedModelName: a.model,
        outgoingApiType: a.outgoingApiType,
        responseStatus: a.status,
        minDurationMs: a.minDurationMs,
        maxDurationMs: a.maxDurationMs,
        fields: a.fields?.join(','),
      },
      schema: S.usagePageSchema,
    });
    const footer = pageFooter(ctx.line, { limit: a.limit, offset: a.offset, shown: page.data.length, total: page.total });
    if (ctx.json || a.fields) {
      const out = jsonReply('Usage records', page.data, { keepFields: KEY_NAME_FIELDS });
      out.blocks.push(footer);
      return out;
    }
    return reply({
      title: 'Usage records',
      blocks: [
        ...(page.data.length > 0
          ? [
              table(
                [
                  'time',
                  'request',
                  'key',
                  'alias → provider/model',
                  'status',
                  { header: 'duration', align: 'right' },
                  { header: 'tokens in/out', align: 'right' },
                  { header: 'cost', align: 'right' },
                ],
                page.data.map((r) => [
                  formatTimestamp(r.date ?? r.startTime, now),
                  (r.requestId ?? DASH).slice(0, 8),
                  r.apiKey ?? DASH,
                  `${r.incomingModelAlias ?? DASH} → ${r.provider ?? DASH}/${r.selectedModelName ?? DASH}`,
                  r.responseStatus ?? DASH,
                  formatDuration(r.durationMs),
                  r.tokensInput == null && r.tokensOutput == null ? DASH : `${formatNumber(r.tokensInput)}/${formatNumber(r.tokensOutput)}`,
                  formatMoney(r.costTotal),
                ]),
              ),
            ]
          : []),
        footer,
      ],
    });
  },
});

const USAGE_ONE = mgmtPath('usage', '{requestId}');

const usageSource = (ctx: RunContext<unknown>): RecordSource<S.UsageRecord> => ({
  what: 'usage record',
  listCommand: 'usage list',
  page: (limit, offset) =>
    ctx.deps.plexus.request('GET', USAGE, { query: { limit, offset, sortBy: 'date', sortDir: 'desc' }, schema: S.usagePageSchema }),
  idOf: (r) => r.requestId,
  exact: async (id) =>
    (await ctx.deps.plexus.request('GET', USAGE, { query: { requestId: id, limit: 1 }, schema: S.usagePageSchema })).data[0],
});

/** One usage row in a sentence: when, who, what, how it went. */
export function describeUsage(r: S.UsageRecord, now: number): string {
  const tokens =
    r.tokensInput == null && r.tokensOutput == null
      ? 'no tokens'
      : `${formatNumber(r.tokensInput)} in / ${formatNumber(r.tokensOutput)} out tokens`;
  return (
    `${formatTimestamp(r.date ?? r.startTime, now)} UTC, key ${r.apiKey ?? DASH}, ${r.incomingModelAlias ?? DASH} → ` +
    `${r.provider ?? DASH}/${r.selectedModelName ?? DASH}, ${r.responseStatus ?? DASH}, ${tokens}, ${formatMoney(r.costTotal)}`
  );
}

export const usageDelete = defineCommand({
  words: ['usage', 'delete'],
  summary: 'Delete one usage record.',
  usage: '<requestId> (or a unique prefix of it, or latest)',
  example: 'usage delete latest',
  tier: 'destructive',
  positional: ['requestId'],
  args: args({ requestId: requestIdArg() }),
  calls: [
    { method: 'GET', path: USAGE },
    { method: 'DELETE', path: USAGE_ONE },
  ],
  describeRisk: async (ctx) => {
    const r = await findRecord(usageSource(ctx), ctx.args.requestId);
    // Pin what the user is shown: `latest` or a prefix must not mean another record by the time they confirm.
    const requestId = r.requestId ?? ctx.args.requestId;
    return {
      lines: [
        `Usage record \`${requestId}\` will be deleted: ${describeUsage(r, ctx.deps.clock.now())}.`,
        'Usage lists, summaries and cost totals stop counting it.',
      ],
      plan: { requestId },
    };
  },
  run: async (ctx) => {
    const r = await findRecord(usageSource(ctx), ctx.plan?.requestId ?? ctx.args.requestId);
    const id = r.requestId ?? ctx.args.requestId;
    await ctx.deps.plexus.request('DELETE', mgmtPath('usage', id), { schema: S.successSchema });
    return reply({
      title: 'Usage record deleted',
      severity: 'success',
      blocks: [text(`\`${id}\`: ${describeUsage(r, ctx.deps.clock.now())}`), byActor(ctx.actor)],
    });
  },
});

const DAY_MS = 86_400_000;
async function countOlder(ctx: RunContext<{ days: number }>, cutoff: number): Promise<number | null> {
  const res = await ctx.deps.plexus.request('GET', USAGE, {
    query: { endDate: iso(cutoff), limit: 1, fields: 'requestId' },
    schema: S.pageTotalSchema,
  });
  return res.total ?? null;
}

export const usagePrune = defineCommand({
  words: ['usage', 'prune'],
  summary: 'Delete the usage records older than a number of days.',
  usage: '<days>',
  example: 'usage prune 14',
  tier: 'destructive',
  positional: ['days'],
  args: args({ days: int({ min: 1, max: 36_500 }) }),
  calls: [
    { method: 'GET', path: USAGE },
    { method: 'DELETE', path: USAGE },
  ],
  describeRisk: async (ctx) => {
    const cutoff = ctx.deps.clock.now() - ctx.args.days * DAY_MS;
    const n = await countOlder(ctx, cutoff);
    const when = `older than ${plural(ctx.args.days, 'day')} (before ${formatTimestamp(cutoff)} UTC)`;
    if (n === 0) return { lines: [`No usage record is ${when}: nothing will be deleted.`] };
    return {
      lines: [
        n === null
          ? `Every usage record ${when} will be deleted (Plexus does not say how many there are).`
          : `${plural(n, 'usage record')} ${when} will be deleted.`,
        'Usage lists, summaries and cost history before that date are gone for good.',
      ],
    };
  },
  run: async (ctx) => {
    const cutoff = ctx.deps.clock.now() - ctx.args.days * DAY_MS;
    const before = await countOlder(ctx, cutoff);
    await ctx.deps.plexus.request('DELETE', USAGE, { query: { olderThanDays: ctx.args.days }, schema: S.successSchema });
    const after = await countOlder(ctx, cutoff);
    const deleted =
      before !== null && after !== null ? `${plural(Math.max(0, before - after), 'usage record')} deleted` : 'Usage records deleted';
    return reply({
      title: 'Usage pruned',
      severity: 'success',
      blocks: [
        text(`${deleted}: everything older than ${plural(ctx.args.days, 'day')} (before ${formatTimestamp(cutoff)} UTC).`),
        byActor(ctx.actor),
      ],
    });
  },
});

export const usageCommands = [usageSummary, usageList, usageDelete, usagePrune];
