import { z } from 'zod';
import { args, int, word } from '../core/args.js';
import { defineCommand, type RunContext } from '../core/command.js';
import { BotError } from '../base/errors.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { bar } from '../render/bar.js';
import { DASH, formatAmount, formatNumber, formatPercent, formatRelative, formatTimestamp } from '../render/format.js';
import { context, fields, reply, table, text, type Block } from '../render/reply.js';
import { sparkline } from '../render/sparkline.js';
import { byActor } from './changes.js';
import { jsonReply } from './json-reply.js';
import { pageFooter } from './paging.js';
import { parseTimeInput, timeArg, TIME_HINT } from './time-input.js';

const CHECKERS = mgmtPath('quota-checkers');
const TYPES = mgmtPath('quota-checker-types');
const QUOTAS = mgmtPath('quotas');
const ONE = mgmtPath('quotas', '{checkerId}');
const quotaPath = (id: string, ...rest: string[]) => mgmtPath('quotas', id, ...rest);

/** Utilization 0..1 of a meter: what Plexus reports, else used/limit. */
function ratio(m: S.QuotaMeter): number | null {
  if (m.utilizationPercent != null) return m.utilizationPercent / 100;
  return m.limit ? (m.used ?? 0) / m.limit : null;
}

/** "rolling window of 5 hours", "fixed period of 7 days"; null for balances. */
const period = (m: S.QuotaMeter): string | null =>
  m.periodValue != null && m.periodUnit
    ? `${m.periodCycle === 'rolling' ? 'rolling window' : m.periodCycle === 'fixed' ? 'fixed period' : 'period'} of ` +
      `${m.periodValue} ${m.periodUnit}${m.periodValue === 1 ? '' : 's'}${m.scope ? ` (${m.scope})` : ''}`
    : null;

const STATUS_ORDER = ['ok', 'warning', 'critical', 'exhausted'];
const worst = (snaps: readonly S.QuotaSnapshot[]): number =>
  Math.max(
    -1,
    ...snaps.flatMap((s) => s.meters.map((m) => STATUS_ORDER.indexOf(m.status ?? 'ok'))),
    ...snaps.map((s) => (s.success === false ? 2 : -1)),
  );
const severityOf = (snaps: readonly S.QuotaSnapshot[]) => (worst(snaps) >= 2 ? 'error' : worst(snaps) === 1 ? 'warning' : 'info');

/** One row per meter: utilization bar, used of limit, what is left, when it resets, status. */
function meterTable(snaps: readonly S.QuotaSnapshot[], now: number, withChecker: boolean): Block {
  const rows = snaps.flatMap((s) =>
    s.meters.map((m) => {
      const r = ratio(m);
      return [
        ...(withChecker ? [s.checkerId] : []),
        m.label ?? m.key,
        r === null ? DASH : `${bar(r)} ${formatPercent(r, 0)}`,
        `${formatAmount(m.unit, m.used)} of ${formatAmount(m.unit, m.limit)}`,
        formatAmount(m.unit, m.remaining),
        m.resetsAt ? formatRelative(m.resetsAt, now) : DASH,
        m.status ?? DASH,
      ];
    }),
  );
  return table(
    [...(withChecker ? ['checker'] : []), 'meter', 'utilization', 'used', { header: 'left', align: 'right' }, 'resets', 'status'],
    rows,
  );
}

const failures = (snaps: readonly S.QuotaSnapshot[]): Block[] =>
  snaps.filter((s) => s.success === false).map((s) => text(`${s.checkerId}: the last check failed${s.error ? `: ${s.error}` : ''}.`));

/** `GET quotas/{id}` answers 200 for any id; an unknown one has nothing but `success:false`. */
const isUnknown = (s: S.QuotaSnapshot) => s.success === false && s.meters.length === 0 && !s.checkerType && !s.checkedAt && !s.error;

async function unknownChecker(ctx: RunContext<unknown>, id: string): Promise<BotError> {
  const list = await ctx.deps.plexus.request('GET', CHECKERS, { schema: S.quotaCheckersSchema });
  const ids = list.configured.map((c) => c.checkerId);
  return new BotError('INVALID_ARGS', `No quota checker \`${id}\` is configured.`, {
    hints: [
      ids.length > 0
        ? `Configured: ${ids.join(', ')}.`
        : 'No checker is configured: a provider gets one through its `quota_checker` field.',
    ],
  });
}

export const quotasCheckers = defineCommand({
  words: ['quotas', 'checkers'],
  summary: 'List the configured provider quota checkers and the checker types Plexus knows.',
  example: 'quotas checkers',
  tier: 'read',
  args: args({}),
  calls: [
    { method: 'GET', path: CHECKERS },
    { method: 'GET', path: TYPES },
  ],
  run: async (ctx) => {
    const [checkers, types] = await Promise.all([
      ctx.deps.plexus.request('GET', CHECKERS, { schema: S.quotaCheckersSchema }),
      ctx.deps.plexus.request('GET', TYPES, { schema: S.quotaCheckerTypesSchema }),
    ]);
    if (ctx.json) return jsonReply('Quota checkers', { configured: checkers.configured, types: types.types });
    const known = types.types.length > 0 ? types.types : checkers.knownTypes;
    return reply({
      title: `Quota checkers (${checkers.configured.length})`,
      blocks: [
        checkers.configured.length > 0
          ? table(
              ['checker', 'type', { header: 'meters', align: 'right' }, 'state'],
              checkers.configured.map((c) => [
                c.checkerId,
                c.displayName ?? c.checkerType ?? DASH,
                String(c.meters.length),
                c.pending ? 'pending (first check running)' : c.success === false ? `failing${c.error ? `: ${c.error}` : ''}` : 'ok',
              ]),
            )
          : text(
              'No quota checker is configured. A provider gets one through its `quota_checker` field (`providers patch <slug> ' +
                '{"quota_checker":{...}}`).',
            ),
        context(`${known.length} checker types: ${known.map((t) => t.type).join(', ')}`),
      ],
    });
  },
});

export const quotasList = defineCommand({
  words: ['quotas', 'list'],
  summary: 'Provider quotas: every meter of every checker with its utilization and reset time.',
  example: 'quotas list',
  tier: 'read',
  args: args({}),
  calls: [{ method: 'GET', path: QUOTAS }],
  run: async (ctx) => {
    const snaps = await ctx.deps.plexus.request('GET', QUOTAS, { schema: S.quotaSnapshotListSchema });
    if (ctx.json) return jsonReply('Provider quotas', snaps);
    if (snaps.length === 0)
      return reply({
        title: 'Provider quotas',
        blocks: [text('No quota checker has reported yet (`quotas checkers` lists the configured ones).')],
      });
    const now = ctx.deps.clock.now();
    const oldest = Math.min(...snaps.map((s) => Date.parse(s.checkedAt ?? '') || now));
    return reply({
      title: 'Provider quotas',
      severity: severityOf(snaps),
      blocks: [
        meterTable(snaps, now, true),
        ...failures(snaps),
        context(`Oldest reading ${formatRelative(oldest, now)}. \`quotas check <checkerId>\` reads one now.`),
      ],
    });
  },
});

function periods(s: S.QuotaSnapshot): Block[] {
  const lines = s.meters.flatMap((m) => {
    const p = period(m);
    return p ? [`${m.label ?? m.key} (\`${m.key}\`): ${p}`] : [];
  });
  return lines.length > 0 ? [context(lines.join('\n'))] : [];
}

function snapshotReply(title: string, s: S.QuotaSnapshot, now: number): ReturnType<typeof reply> {
  return reply({
    title,
    severity: severityOf([s]),
    blocks: [
      fields([
        { label: 'Provider', value: s.provider ?? DASH },
        { label: 'Type', value: s.checkerType ?? DASH },
        { label: 'Checked', value: s.checkedAt ? `${formatTimestamp(s.checkedAt, now)} UTC (${formatRelative(s.checkedAt, now)})` : DASH },
      ]),
      ...(s.meters.length > 0 ? [meterTable([s], now, false)] : [text('No meters reported.')]),
      ...periods(s),
      ...failures([s]),
    ],
  });
}

export const quotasGet = defineCommand({
  words: ['quotas', 'get'],
  summary: "One checker's latest reading, meter by meter.",
  usage: '<checkerId>',
  example: 'quotas get openrouter-credits',
  tier: 'read',
  positional: ['checkerId'],
  args: args({ checkerId: word('<checkerId>') }),
  calls: [
    { method: 'GET', path: ONE },
    { method: 'GET', path: CHECKERS },
  ],
  run: async (ctx) => {
    const { checkerId } = ctx.args;
    const s = await ctx.deps.plexus.request('GET', quotaPath(checkerId), { schema: S.quotaSnapshotSchema });
    if (isUnknown(s)) throw await unknownChecker(ctx, checkerId);
    if (ctx.json) return jsonReply(`Quota checker ${checkerId}`, s);
    return snapshotReply(`Quota checker ${checkerId}`, s, ctx.deps.clock.now());
  },
});

export const quotasHistory = defineCommand({
  words: ['quotas', 'history'],
  summary: "A checker's past readings: a trend per meter and the readings, newest first.",
  usage: '<checkerId> [meter= since=] [limit= offset=]',
  example: 'quotas history anthropic-claude-code meter=five_hour since=12h',
  tier: 'read',
  positional: ['checkerId'],
  args: args({
    checkerId: word('<checkerId>'),
    meter: z.string().min(1).optional(),
    since: timeArg().optional(),
    limit: int({ min: 1, max: 200 }).default(20),
    offset: int({ min: 0 }).default(0),
  }),
  calls: [
    { method: 'GET', path: mgmtPath('quotas', '{checkerId}', 'history') },
    { method: 'GET', path: ONE },
    { method: 'GET', path: CHECKERS },
  ],
  run: async (ctx) => {
    const { checkerId, meter, limit, offset } = ctx.args;
    const now = ctx.deps.clock.now();
    const since = ctx.args.since === undefined ? undefined : parseTimeInput(ctx.args.since, now);
    if (ctx.args.since !== undefined && since === undefined) throw new BotError('INVALID_ARGS', `since: expected ${TIME_HINT}.`);
    const res = await ctx.deps.plexus.request('GET', quotaPath(checkerId, 'history'), {
      query: { meterKey: meter, since: since === undefined ? undefined : new Date(since).toISOString() },
      schema: S.quotaHistorySchema,
    });
    if (res.history.length === 0) {
      const s = await ctx.deps.plexus.request('GET', quotaPath(checkerId), { schema: S.quotaSnapshotSchema });
      if (isUnknown(s)) throw await unknownChecker(ctx, checkerId);
    }
    const rows = [...res.history].sort((a, b) => Date.parse(b.checkedAt ?? '') - Date.parse(a.checkedAt ?? ''));
    const shown = rows.slice(offset, offset + limit);
    const footer = pageFooter(ctx.line, { limit, offset, shown: shown.length, total: rows.length });
    if (ctx.json) {
      const out = jsonReply(`Quota history ${checkerId}`, shown);
      out.blocks.push(footer);
      return out;
    }
    const meters = [...new Set(rows.map((r) => r.meterKey ?? DASH))];
    const trend = meters.map((k) => {
      const series = rows.filter((r) => (r.meterKey ?? DASH) === k).reverse();
      const pct = series.map((r) => r.utilizationPercent ?? 0);
      const last = series[series.length - 1];
      return (
        `${last?.label ?? k} ${sparkline(pct)} ${formatNumber(pct[0], 1)} % → ${formatNumber(pct[pct.length - 1], 1)} % ` +
        `(${series.length} readings)`
      );
    });
    const scope = [meter ? `meter ${meter}` : null, since !== undefined ? `since ${formatTimestamp(since, now)} UTC` : null]
      .filter(Boolean)
      .join(', ');
    return reply({
      title: `Quota history ${checkerId}${scope ? ` (${scope})` : ''}`,
      blocks: rows.length
        ? [
            text(trend.join('\n')),
            table(
              ['checked', 'meter', { header: 'used', align: 'right' }, { header: 'utilization', align: 'right' }, 'status'],
              shown.map((r) => [
                formatTimestamp(r.checkedAt, now),
                r.meterKey ?? DASH,
                `${formatAmount(r.unit, r.used)} of ${formatAmount(r.unit, r.limit)}`,
                r.utilizationPercent == null ? DASH : `${formatNumber(r.utilizationPercent, 1)} %`,
                r.success === false ? `failed${r.errorMessage ? `: ${r.errorMessage}` : ''}` : (r.status ?? DASH),
              ]),
            ),
            footer,
          ]
        : [text(`No readings${scope ? ` for ${scope}` : ''}.`)],
    });
  },
});

export const quotasCheck = defineCommand({
  words: ['quotas', 'check'],
  summary: 'Run a quota checker now and show the fresh reading.',
  usage: '<checkerId>',
  example: 'quotas check openrouter-credits',
  tier: 'write',
  positional: ['checkerId'],
  args: args({ checkerId: word('<checkerId>') }),
  calls: [{ method: 'POST', path: mgmtPath('quotas', '{checkerId}', 'check') }],
  run: async (ctx) => {
    const { checkerId } = ctx.args;
    const s = await ctx.deps.plexus.request('POST', quotaPath(checkerId, 'check'), { schema: S.quotaSnapshotSchema });
    const out = snapshotReply(`Quota checker ${checkerId}: checked now`, s, ctx.deps.clock.now());
    out.blocks.push(byActor(ctx.actor));
    return out;
  },
});

export const quotaCheckerCommands = [quotasCheckers, quotasList, quotasGet, quotasHistory, quotasCheck];
