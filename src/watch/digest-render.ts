import { bar } from '../render/bar.js';
import { DASH, formatChange, formatDuration, formatMoney, formatNumber, formatPercent, MINUS } from '../render/format.js';
import { context, fields, reply, table, text, type Block, type Reply } from '../render/reply.js';
import { sparkline } from '../render/sparkline.js';
import { formatAmount } from '../render/format.js';
import { RANGE_MS, SPARK_SLOTS, type DigestFigures, type Pair, type Ranked } from './digest-build.js';

const RANGE_LABEL: Record<DigestFigures['range'], string> = {
  hour: 'last hour',
  day: 'last 24 h',
  week: 'last 7 days',
  month: 'last 30 days',
};

/** `26 Nov, 09:00` in the digest's time zone. */
export function zoned(t: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(t);
}

const change = (p: Pair): string => (p.cur === null || p.prev === null ? '' : ` (${formatChange(p.cur, p.prev)})`);

function pointsChange(p: Pair): string {
  if (p.cur === null || p.prev === null) return '';
  const d = (p.cur - p.prev) * 100;
  if (Math.abs(d) < 0.05) return ' (±0 pts)';
  return ` (${d > 0 ? '+' : MINUS}${formatNumber(Math.abs(d), 1)} pts)`;
}

const show = (p: Pair, f: (n: number) => string, delta = change): string =>
  p.cur === null ? `${DASH} (see notes)` : `${f(p.cur)}${delta(p)}`;

function topTable(title: string, rows: Ranked[]): Block[] {
  if (rows.length === 0) return [];
  const total = rows.reduce((a, r) => a + r.requests, 0);
  const withCost = rows.some((r) => r.cost !== null);
  return [
    table(
      [title, { header: 'requests', align: 'right' }, ...(withCost ? [{ header: 'cost', align: 'right' as const }] : [])],
      rows.map((r) => [
        r.name,
        `${formatNumber(r.requests)}${total > 0 ? ` (${formatPercent(r.requests / total, 0)})` : ''}`,
        ...(withCost ? [formatMoney(r.cost)] : []),
      ]),
    ),
  ];
}

export function renderDigest(f: DigestFigures, opts: { preview?: boolean; note?: string } = {}): Reply {
  const tz = f.timezone;
  const cooldowns = f.cooldowns
    .map((c) => `${c.provider}/${c.model ?? '*'}${c.expiry !== null ? ` (until ${zoned(c.expiry, tz)})` : ''}`)
    .join(', ');
  const blocks: Block[] = [
    fields([
      { label: 'Requests', value: show(f.requests, (n) => formatNumber(n)) },
      { label: 'Tokens in', value: show(f.tokensIn, (n) => formatNumber(n)) },
      { label: 'Tokens out', value: show(f.tokensOut, (n) => formatNumber(n)) },
      { label: 'Cost', value: show(f.cost, formatMoney) },
      { label: 'Avg latency', value: show(f.avgLatencyMs, formatDuration) },
      { label: 'Error share', value: show(f.errorShare, (n) => formatPercent(n), pointsChange) },
    ]),
    text(
      `Requests: ${sparkline(f.series, { min: 0, width: SPARK_SLOTS }) || DASH} ` +
        `(one bar per ${formatDuration(RANGE_MS[f.range] / SPARK_SLOTS)})`,
    ),
    ...topTable('Top providers', f.top.providers),
    ...topTable('Top aliases', f.top.aliases),
    ...topTable('Top keys', f.top.keys),
    text(f.cooldowns.length === 0 ? 'No provider in cooldown.' : `In cooldown: ${cooldowns}`),
  ];
  if (f.closest.length > 0) {
    blocks.push(
      table(
        ['Closest to limit', 'usage', { header: 'used', align: 'right' }, 'resets'],
        f.closest.map((q) => [
          q.subject === 'key' ? `key ${q.owner} · ${q.name}` : `${q.owner} · ${q.name}`,
          `${bar(q.percent / 100)} ${formatNumber(q.percent, 0)} %${q.blocked ? ' BLOCKED' : ''}`,
          `${formatAmount(q.unit, q.used)} / ${formatAmount(q.unit, q.limit)}`,
          q.resetsAt === null ? DASH : zoned(q.resetsAt, tz),
        ]),
      ),
    );
  }
  blocks.push(context(`${zoned(f.start, tz)} to ${zoned(f.end, tz)} (${tz}). Changes compare with the period before.`));
  for (const n of f.notes) blocks.push(context(n));
  if (opts.note) blocks.push(context(opts.note));
  const sev = f.cooldowns.length > 0 || f.closest.some((q) => q.blocked) ? 'warning' : 'info';
  return reply({ title: `${opts.preview ? 'Preview of digest' : 'Digest'} "${f.name}": ${RANGE_LABEL[f.range]}`, severity: sev, blocks });
}
