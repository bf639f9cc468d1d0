import { args, word } from '../core/args.js';
import { defineCommand, type RunContext } from '../core/command.js';
import { BotError } from '../base/errors.js';
import { isNotFound } from '../plexus/not-found.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH, formatNumber, formatMoney, formatPercent, formatRelative } from '../render/format.js';
import { context, reply, table, text } from '../render/reply.js';
import { byActor } from './changes.js';
import { jsonReply } from './json-reply.js';
import { bar } from '../render/bar.js';

const amount = (limitType: string | null | undefined, n: number | null | undefined) =>
  limitType === 'cost' ? formatMoney(n) : formatNumber(n);

export const quotaStatus = defineCommand({
  words: ['quota', 'status'],
  summary: "Show a key's user quotas: usage, limit and reset time.",
  usage: '<key>',
  example: 'quota status web-app',
  tier: 'read',
  positional: ['key'],
  args: args({ key: word('<key>') }),
  calls: [
    { method: 'GET', path: mgmtPath('quota', 'status', '{key}') },
    { method: 'GET', path: mgmtPath('keys') },
  ],
  run: async (ctx) => {
    const { key } = ctx.args;
    let status: S.KeyQuotaStatus;
    try {
      status = await ctx.deps.plexus.request('GET', mgmtPath('quota', 'status', key), { schema: S.keyQuotaStatusSchema });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      const keys = await ctx.deps.plexus.request('GET', mgmtPath('keys'), { schema: S.apiKeyListSchema });
      if (keys.some((k) => k.name === key)) {
        throw new BotError(
          'UPSTREAM_HTTP',
          `Plexus is inconsistent: \`keys list\` shows key \`${key}\`, but quota status answers 404 (${e.message}). The key ` +
            'exists; its quota state could not be read. Try again in a moment, or check the server logs.',
        );
      }
      throw new BotError('INVALID_ARGS', `No key named \`${key}\` exists (quota status: ${e.message}).`, {
        hints: ['`keys list` shows the key names.'],
      });
    }
    if (ctx.json) return jsonReply(`Quota status: ${key}`, status);
    if (status.quotas.length === 0)
      return reply({ title: `Quota status: ${key}`, blocks: [text(`Key \`${key}\` has no quota; it is not limited.`)] });
    const now = ctx.deps.clock.now();
    const blocked = status.quotas.filter((q) => q.allowed === false);
    return reply({
      title: `Quota status: ${key}`,
      severity:
        blocked.length > 0
          ? 'error'
          : status.quotas.some((q) => (q.limit ? (q.currentUsage ?? 0) / q.limit >= 0.8 : false))
            ? 'warning'
            : 'info',
      blocks: [
        table(
          ['quota', 'usage', { header: 'used', align: 'right' }, { header: 'limit', align: 'right' }, 'resets', 'state'],
          status.quotas.map((q) => {
            const ratio = q.limit ? (q.currentUsage ?? 0) / q.limit : null;
            return [
              `${q.name} (${q.limitType ?? '?'})`,
              ratio === null ? DASH : `${bar(ratio)} ${formatPercent(ratio, 0)}`,
              amount(q.limitType, q.currentUsage),
              amount(q.limitType, q.limit),
              q.resetsAt ? formatRelative(q.resetsAt, now) : DASH,
              q.allowed === false ? 'BLOCKED' : q.source === 'default' ? 'ok (default quota)' : 'ok',
            ];
          }),
        ),
        ...(blocked.length > 0
          ? [text(`Requests with this key are refused (429) until ${blocked.map((q) => `${q.name} resets`).join(' and ')}.`)]
          : []),
        context(`Most constrained: ${status.quotaName ?? DASH}`),
      ],
    });
  },
});

async function readStatus(ctx: RunContext<{ key: string }>): Promise<S.KeyQuotaStatus> {
  try {
    return await ctx.deps.plexus.request('GET', mgmtPath('quota', 'status', ctx.args.key), { schema: S.keyQuotaStatusSchema });
  } catch (e) {
    if (isNotFound(e)) {
      throw new BotError('INVALID_ARGS', `No key named \`${ctx.args.key}\` exists (${e.message}). Nothing was reset.`, {
        hints: ['`keys list` shows the key names.'],
      });
    }
    throw e;
  }
}

/** The quotas a clear resets: the named one, or every quota of the key. */
function targets(status: S.KeyQuotaStatus, quota: string | undefined): S.QuotaStatusEntry[] {
  if (quota === undefined) return status.quotas;
  const q = status.quotas.find((x) => x.name === quota);
  if (!q) {
    throw new BotError('INVALID_ARGS', `Quota \`${quota}\` is not attached to key \`${status.key || '?'}\`. Nothing was reset.`, {
      hints: [status.quotas.length > 0 ? `Its quotas: ${status.quotas.map((x) => x.name).join(', ')}.` : 'The key has no quota.'],
    });
  }
  return [q];
}

const usedText = (q: S.QuotaStatusEntry) =>
  `${amount(q.limitType, q.currentUsage)} of ${amount(q.limitType, q.limit)} ${q.limitType === 'cost' ? '' : (q.limitType ?? '')}`.trim();

export const quotaClear = defineCommand({
  words: ['quota', 'clear'],
  summary: "Reset a key's quota usage to zero (all its quotas, or one with quota=).",
  usage: '<key> [quota=]',
  example: 'quota clear web-app quota=monthly-cost',
  tier: 'destructive',
  positional: ['key'],
  args: args({ key: word('<key>'), quota: word('quota name').optional() }),
  calls: [
    { method: 'GET', path: mgmtPath('quota', 'status', '{key}') },
    { method: 'POST', path: mgmtPath('quota', 'clear') },
  ],
  describeRisk: async (ctx) => {
    const status = await readStatus(ctx);
    const list = targets({ ...status, key: status.key || ctx.args.key }, ctx.args.quota);
    if (list.length === 0) return { lines: [`Key \`${ctx.args.key}\` has no quota: nothing will be reset.`] };
    return {
      lines: [
        `The usage counted for key \`${ctx.args.key}\` goes back to 0 (the requests themselves stay in the usage log):`,
        list.map((q) => `• ${q.name}: ${usedText(q)} used${q.allowed === false ? ' (blocked now)' : ''}`).join('\n'),
      ],
    };
  },
  run: async (ctx) => {
    const { key, quota } = ctx.args;
    const before = targets({ ...(await readStatus(ctx)), key }, quota);
    const res = await ctx.deps.plexus.request('POST', mgmtPath('quota', 'clear'), {
      body: quota === undefined ? { key } : { key, quota },
      schema: S.quotaResetResultSchema,
    });
    const after = new Map((await readStatus(ctx)).quotas.map((q) => [q.name, q]));
    return reply({
      title: `Quota usage reset: ${key}`,
      severity: 'success',
      blocks: [
        before.length > 0
          ? text(
              before
                .map((q) => `${q.name}: ${amount(q.limitType, q.currentUsage)} → ${amount(q.limitType, after.get(q.name)?.currentUsage)}`)
                .join('\n'),
            )
          : text(`Key \`${key}\` has no quota; nothing to reset.`),
        ...(res.message ? [context(res.message)] : []),
        byActor(ctx.actor),
      ],
    });
  },
});

export const quotaCommands = [quotaStatus, quotaClear];
