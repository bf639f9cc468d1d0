import { args, int, word } from '../core/args.js';
import { defineCommand, type RunContext } from '../core/command.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH, formatNumber, formatTimestamp, toEpochMs } from '../render/format.js';
import { reply, text } from '../render/reply.js';
import { byActor, plural } from './changes.js';

const LOGS = mgmtPath('mcp-logs');
const DAY = 86_400_000;
const PAGE = 500;
/** How far the bot reads the log to find or count records (Plexus has no count-by-date or get-by-id). */
const MAX_PAGES = 20;

const timeOf = (l: S.McpLogRecord): number => (l.start_time != null ? l.start_time : toEpochMs(l.created_at));

/** Visits MCP log records page by page until `visit` returns true or the scan limit is reached. */
async function scan(
  ctx: RunContext<unknown>,
  visit: (l: S.McpLogRecord) => boolean,
): Promise<{ total: number; seen: number; complete: boolean }> {
  let offset = 0;
  let total = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await ctx.deps.plexus.request('GET', LOGS, { query: { limit: PAGE, offset }, schema: S.mcpLogPageSchema });
    total = res.total;
    for (const l of res.data) if (visit(l)) return { total, seen: offset, complete: true };
    offset += res.data.length;
    if (res.data.length === 0 || offset >= total) return { total, seen: offset, complete: true };
  }
  return { total, seen: offset, complete: false };
}

const describe = (l: S.McpLogRecord) =>
  `${formatTimestamp(timeOf(l))} UTC, ${l.server_name ?? '?'}, ${[l.jsonrpc_method, l.tool_name].filter(Boolean).join(' ') || DASH}, ` +
  `status ${l.response_status ?? DASH}${l.api_key ? `, key ${l.api_key}` : ''}`;

export const mcpLogsDelete = defineCommand({
  words: ['mcp', 'logs', 'delete'],
  summary: 'Delete one MCP call record.',
  usage: '<requestId>',
  example: 'mcp logs delete c8557b1c-12e9-40f7-a65e-acddd792ad00',
  tier: 'destructive',
  positional: ['requestId'],
  args: args({ requestId: word('<requestId>') }),
  calls: [
    { method: 'GET', path: LOGS },
    { method: 'DELETE', path: mgmtPath('mcp-logs', '{requestId}') },
  ],
  describeRisk: async (ctx) => {
    let found: S.McpLogRecord | undefined;
    const res = await scan(ctx, (l) => {
      if (l.request_id === ctx.args.requestId) found = l;
      return found !== undefined;
    });
    if (found) return { lines: [`The record of MCP call \`${ctx.args.requestId}\` (${describe(found)}) will be deleted for good.`] };
    return {
      lines: [
        `No MCP call \`${ctx.args.requestId}\` is in the log` +
          `${res.complete ? '' : ` (searched the newest ${formatNumber(res.seen)})`}: ` +
          'nothing will be deleted (Plexus answers success for unknown ids).',
      ],
    };
  },
  run: async (ctx) => {
    await ctx.deps.plexus.request('DELETE', mgmtPath('mcp-logs', ctx.args.requestId), { schema: S.successSchema });
    return reply({ title: `MCP call ${ctx.args.requestId} deleted`, severity: 'success', blocks: [byActor(ctx.actor)] });
  },
});

export const mcpLogsPrune = defineCommand({
  words: ['mcp', 'logs', 'prune'],
  summary: 'Delete MCP call records older than a number of days.',
  usage: '<days>',
  example: 'mcp logs prune 2',
  tier: 'destructive',
  positional: ['days'],
  args: args({ days: int({ min: 1, max: 36_500 }) }),
  calls: [
    { method: 'GET', path: LOGS },
    { method: 'DELETE', path: LOGS },
  ],
  describeRisk: async (ctx) => {
    const cutoff = ctx.deps.clock.now() - ctx.args.days * DAY;
    let older = 0;
    const res = await scan(ctx, (l) => {
      if (timeOf(l) < cutoff) older++;
      return false;
    });
    const count = res.complete
      ? plural(older, 'MCP call record')
      : `at least ${plural(older, 'MCP call record')} (of ${formatNumber(res.total)}; only the newest ${formatNumber(res.seen)} ` +
        'were counted)';
    return {
      lines: [
        `${count} older than ${plural(ctx.args.days, 'day')} (before ${formatTimestamp(cutoff)} UTC) will be deleted for good; ` +
          `${formatNumber(res.total - older)} newer stay.`,
      ],
    };
  },
  run: async (ctx) => {
    const total = async () => (await ctx.deps.plexus.request('GET', LOGS, { query: { limit: 1 }, schema: S.mcpLogPageSchema })).total;
    const before = await total();
    await ctx.deps.plexus.request('DELETE', LOGS, { query: { olderThanDays: ctx.args.days }, schema: S.successSchema });
    const after = await total();
    return reply({
      title: `MCP log pruned (older than ${plural(ctx.args.days, 'day')})`,
      severity: 'success',
      blocks: [text(`${plural(Math.max(0, before - after), 'record')} deleted; ${formatNumber(after)} left.`), byActor(ctx.actor)],
    });
  },
});

export const mcpLogCommands = [mcpLogsDelete, mcpLogsPrune];
