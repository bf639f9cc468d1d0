import { args, word } from '../core/args.js';
import { defineCommand } from '../core/command.js';
import { BotError } from '../base/errors.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH, formatDuration, formatMoney, formatNumber, formatPercent, formatRelative } from '../render/format.js';
import { context, fields, reply, table, text } from '../render/reply.js';
import { jsonReply } from './json-reply.js';
import { Metrics, parsePrometheus } from '../plexus/prometheus-text.js';

const CONCURRENCY = mgmtPath('concurrency');
const PERFORMANCE = mgmtPath('performance');
const METRICS = mgmtPath('metrics');

export const concurrency = defineCommand({
  words: ['concurrency'],
  summary: 'Show the requests in flight right now, per provider and model.',
  example: 'concurrency',
  tier: 'read',
  args: args({}),
  calls: [{ method: 'GET', path: CONCURRENCY }],
  run: async (ctx) => {
    const live = await ctx.deps.plexus.request('GET', CONCURRENCY, { query: { mode: 'live' }, schema: S.concurrencySchema });
    if (ctx.json) return jsonReply('Concurrency', live.data);
    const rows = live.data.filter((r) => r.count > 0).sort((a, b) => b.count - a.count);
    const total = rows.reduce((n, r) => n + r.count, 0);
    return reply({
      title: `In flight: ${formatNumber(total)}`,
      blocks: rows.length
        ? [
            table(
              ['provider', 'model', { header: 'in flight', align: 'right' }],
              rows.map((r) => [r.provider ?? DASH, r.model ?? DASH, formatNumber(r.count)]),
            ),
          ]
        : [text('No request is in flight right now.')],
    });
  },
});

const perSec = (n: number | null | undefined) => (n == null ? DASH : formatNumber(n, 1));

export const performance = defineCommand({
  words: ['performance'],
  summary: 'Show measured latency and throughput per provider and model (what latency/performance routing uses).',
  usage: '[provider= model=]',
  example: 'performance provider=openai',
  tier: 'read',
  args: args({ provider: word('provider').optional(), model: word('model').optional() }),
  calls: [{ method: 'GET', path: PERFORMANCE }],
  run: async (ctx) => {
    const rows = await ctx.deps.plexus.request('GET', PERFORMANCE, {
      query: { provider: ctx.args.provider, model: ctx.args.model },
      schema: S.performanceListSchema,
    });
    if (ctx.json) return jsonReply('Performance', rows);
    const sorted = [...rows].sort((a, b) => `${a.provider}/${a.model}`.localeCompare(`${b.provider}/${b.model}`));
    const now = ctx.deps.clock.now();
    return reply({
      title: `Performance (${rows.length})`,
      blocks: sorted.length
        ? [
            table(
              [
                'provider/model',
                { header: 'avg TTFT', align: 'right' },
                { header: 'tokens/s', align: 'right' },
                { header: 'e2e tokens/s', align: 'right' },
                { header: 'samples', align: 'right' },
                { header: 'ok / failed', align: 'right' },
                'updated',
              ],
              sorted.map((r) => [
                `${r.provider ?? DASH}/${r.model ?? DASH}`,
                formatDuration(r.avg_ttft_ms),
                perSec(r.avg_tokens_per_sec),
                perSec(r.avg_e2e_tokens_per_sec),
                formatNumber(r.sample_count),
                `${formatNumber(r.success_count)} / ${formatNumber(r.failure_count)}`,
                r.last_updated == null ? DASH : formatRelative(r.last_updated, now),
              ]),
            ),
            context('Averages over the latest samples of each target.'),
          ]
        : [
            text(
              ctx.args.provider || ctx.args.model ? 'No measurements match.' : 'No measurements yet: they appear after the first requests.',
            ),
          ],
    });
  },
});

const TOKEN_TYPES = ['input', 'output', 'reasoning', 'cached', 'cache_write'];

export const metrics = defineCommand({
  words: ['metrics'],
  summary: 'Show the key Prometheus counters: requests, errors, tokens by type, today, per provider.',
  example: 'metrics',
  tier: 'read',
  args: args({}),
  calls: [{ method: 'GET', path: METRICS }],
  run: async (ctx) => {
    const res = await ctx.deps.plexus.requestRaw('GET', METRICS, { headers: { accept: 'text/plain' } });
    const m = new Metrics(parsePrometheus(res.body.toString('utf8')));
    if (m.samples.length === 0) throw new BotError('UPSTREAM_INVALID', `GET ${METRICS}: the answer holds no Prometheus samples.`);
    const requests = m.total('plexus_requests_total');
    const errors = m.total('plexus_errors_total');
    const tokens = m.by('plexus_tokens_total', 'type');
    const providers = [...m.by('plexus_provider_requests_total', 'provider').keys()];
    const per = (name: string) => m.by(name, 'provider');
    const [pErr, pTok, pCost, pLat] = [
      per('plexus_provider_errors_total'),
      per('plexus_provider_tokens_total'),
      per('plexus_provider_cost_usd_total'),
      per('plexus_provider_avg_latency_ms'),
    ];
    const summary = {
      requests,
      errors,
      tokens: Object.fromEntries(tokens),
      today: {
        requests: m.total('plexus_requests_today'),
        errors: m.total('plexus_errors_today'),
        costUsd: m.total('plexus_cost_today_usd'),
      },
      avgDurationMs: m.total('plexus_avg_duration_ms'),
      cooldownsActive: m.total('plexus_cooldown_active') ?? 0,
      providers: Object.fromEntries(
        providers.map((p) => [
          p,
          {
            requests: per('plexus_provider_requests_total').get(p),
            errors: pErr.get(p),
            tokens: pTok.get(p),
            costUsd: pCost.get(p),
            avgLatencyMs: pLat.get(p),
          },
        ]),
      ),
    };
    if (ctx.json) return jsonReply('Metrics', summary);
    const cache = String(res.headers['x-metrics-cache'] ?? '').toUpperCase();
    const tokenText = [...TOKEN_TYPES.filter((t) => tokens.has(t)), ...[...tokens.keys()].filter((t) => !TOKEN_TYPES.includes(t))]
      .map((t) => `${t.replace('_', ' ')} ${formatNumber(tokens.get(t))}`)
      .join(', ');
    return reply({
      title: 'Metrics',
      severity: errors && requests && errors / requests > 0.2 ? 'warning' : 'info',
      blocks: [
        fields([
          { label: 'Requests', value: formatNumber(requests) },
          { label: 'Errors', value: `${formatNumber(errors)}${requests ? ` (${formatPercent((errors ?? 0) / requests)})` : ''}` },
          { label: 'Tokens', value: tokenText || DASH },
          {
            label: 'Today',
            value:
              `${formatNumber(summary.today.requests)} requests, ${formatNumber(summary.today.errors)} errors, ` +
              `${formatMoney(summary.today.costUsd)}`,
          },
          { label: 'Avg duration', value: formatDuration(summary.avgDurationMs) },
          { label: 'In cooldown', value: formatNumber(summary.cooldownsActive) },
        ]),
        ...(providers.length > 0
          ? [
              table(
                [
                  'provider',
                  { header: 'requests', align: 'right' },
                  { header: 'errors', align: 'right' },
                  { header: 'tokens', align: 'right' },
                  { header: 'cost', align: 'right' },
                  { header: 'avg latency', align: 'right' },
                ],
                providers.map((p) => [
                  p,
                  formatNumber(per('plexus_provider_requests_total').get(p)),
                  formatNumber(pErr.get(p)),
                  formatNumber(pTok.get(p)),
                  formatMoney(pCost.get(p)),
                  formatDuration(pLat.get(p)),
                ]),
              ),
            ]
          : []),
        context(
          `All time unless marked today.${cache === 'HIT' ? ' Cached by Plexus (up to 15 s old).' : ''} Prometheus can scrape ` +
            `${METRICS} itself.`,
        ),
      ],
    });
  },
});

export const runtimeCommands = [concurrency, performance, metrics];
