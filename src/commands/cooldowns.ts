import { z } from 'zod';
import { args, word } from '../core/args.js';
import { defineCommand } from '../core/command.js';
import { mgmtPath, slug } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH, formatDuration } from '../render/format.js';
import { context, reply, table, text } from '../render/reply.js';
import { byActor } from './changes.js';
import { jsonReply } from './json-reply.js';

const COOLDOWNS = mgmtPath('cooldowns');

export const cooldownsList = defineCommand({
  words: ['cooldowns', 'list'],
  summary: 'List providers and models in cooldown.',
  example: 'cooldowns list',
  tier: 'read',
  args: args({}),
  calls: [{ method: 'GET', path: COOLDOWNS }],
  run: async (ctx) => {
    const list = await ctx.deps.plexus.request('GET', COOLDOWNS, { schema: S.cooldownListSchema });
    if (ctx.json) return jsonReply('Cooldowns', list);
    if (list.length === 0) return reply({ title: 'Cooldowns', severity: 'success', blocks: [text('No provider is in cooldown.')] });
    return reply({
      title: `Cooldowns (${list.length})`,
      severity: 'warning',
      blocks: [
        table(
          ['provider/model', { header: 'time left', align: 'right' }, { header: 'failures', align: 'right' }, 'last error'],
          list.map((c) => [
            `${c.provider}/${c.model ?? '*'}`,
            formatDuration(c.timeRemainingMs ?? (c.expiry != null ? c.expiry - ctx.deps.clock.now() : null)),
            String(c.consecutiveFailures ?? DASH),
            c.lastError ?? DASH,
          ]),
        ),
        context('`cooldowns clear <provider> [model=...]` ends one early.'),
      ],
    });
  },
});

export const cooldownsClear = defineCommand({
  words: ['cooldowns', 'clear'],
  summary: 'End the cooldown of a provider (or one of its models) now.',
  usage: '<provider> [model=]',
  example: 'cooldowns clear openai model=gpt-4o-mini',
  tier: 'write',
  positional: ['provider'],
  args: args({ provider: word('<provider>'), model: z.string().min(1).optional() }),
  calls: [
    { method: 'GET', path: COOLDOWNS },
    { method: 'DELETE', path: mgmtPath('cooldowns', '{provider}') },
  ],
  run: async (ctx) => {
    const { provider, model } = ctx.args;
    const before = await ctx.deps.plexus.request('GET', COOLDOWNS, { schema: S.cooldownListSchema });
    const affected = before.filter((c) => c.provider === provider && (model === undefined || c.model === model));
    await ctx.deps.plexus.request('DELETE', mgmtPath('cooldowns', slug(provider)), { query: { model }, schema: S.successSchema });
    const what = model ? `${provider}/${model}` : provider;
    return reply({
      title: `Cooldown cleared: ${what}`,
      severity: 'success',
      blocks: [
        text(
          affected.length > 0
            ? `${affected.map((c) => `${c.provider}/${c.model ?? '*'}`).join(', ')}: in cooldown → available`
            : `\`${what}\` was not in cooldown; nothing changed.`,
        ),
        byActor(ctx.actor),
      ],
    });
  },
});

const cooldownLine = (c: S.CooldownEntry, now: number) =>
  `• ${c.provider}/${c.model ?? '*'}: ${formatDuration(c.timeRemainingMs ?? (c.expiry != null ? c.expiry - now : null))} left, ` +
  `${c.consecutiveFailures ?? '?'} failures${c.lastError ? ` (${c.lastError.slice(0, 80)})` : ''}`;

export const cooldownsClearAll = defineCommand({
  words: ['cooldowns', 'clear-all'],
  summary: 'End every provider cooldown now: routing tries them all again at once.',
  example: 'cooldowns clear-all',
  tier: 'destructive',
  args: args({}),
  calls: [
    { method: 'GET', path: COOLDOWNS },
    { method: 'DELETE', path: COOLDOWNS },
  ],
  describeRisk: async (ctx) => {
    const list = await ctx.deps.plexus.request('GET', COOLDOWNS, { schema: S.cooldownListSchema });
    if (list.length === 0) return { lines: ['No provider is in cooldown now: nothing will change.'] };
    const now = ctx.deps.clock.now();
    return {
      lines: [
        list.length === 1
          ? '1 cooldown ends now and its failure count is forgotten; traffic goes to this target again even if it is still failing:'
          : `${list.length} cooldowns end now and their failure counts are forgotten; traffic goes to these targets again even ` +
            'if they are still failing:',
        list.map((c) => cooldownLine(c, now)).join('\n'),
      ],
    };
  },
  run: async (ctx) => {
    const before = await ctx.deps.plexus.request('GET', COOLDOWNS, { schema: S.cooldownListSchema });
    await ctx.deps.plexus.request('DELETE', COOLDOWNS, { schema: S.successSchema });
    return reply({
      title: 'All cooldowns cleared',
      severity: 'success',
      blocks: [
        text(
          before.length > 0
            ? `${before.map((c) => `${c.provider}/${c.model ?? '*'}`).join(', ')}: in cooldown → available`
            : 'No provider was in cooldown; nothing changed.',
        ),
        byActor(ctx.actor),
      ],
    });
  },
});

export const cooldownCommands = [cooldownsList, cooldownsClear, cooldownsClearAll];
