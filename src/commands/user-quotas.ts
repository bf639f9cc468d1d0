import { z } from 'zod';
import { args, bool, list, word } from '../core/args.js';
import { defineCommand, type RunContext } from '../core/command.js';
import { BotError } from '../base/errors.js';
import { isPlexusHttpError } from '../plexus/errors.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH, formatMoney, formatNumber, formatPercent } from '../render/format.js';
import { context, fields, reply, table, text } from '../render/reply.js';
import { byActor, changeBlock, changeLines, defined } from './changes.js';
import { jsonReply } from './json-reply.js';
import { patchRecord, setRecord } from './record-write.js';

const QUOTAS = mgmtPath('user-quotas');
const KEYS = mgmtPath('keys');
const SETTINGS = mgmtPath('system-settings');
const quotaPath = (name: string) => mgmtPath('user-quotas', name);
const QUOTA_TEMPLATE = mgmtPath('user-quotas', '{name}');

/** Plexus' own rule for quota names (it answers 400 otherwise). */
export const QUOTA_NAME = /^[a-z0-9][a-z0-9-_]{1,62}$/;
const NAME_RULE = 'a quota name is 2–63 characters: lowercase letters, digits, - and _, starting with a letter or digit';

const TYPES = ['rolling', 'daily', 'weekly', 'monthly'] as const;
const LIMIT_TYPES = ['requests', 'tokens', 'cost'] as const;
const number = (what: string) => z.coerce.number({ error: `expected ${what}` });

const quotaName = word('<name>').regex(QUOTA_NAME, { error: NAME_RULE });
const options = {
  duration: z
    .string()
    .regex(/^(\d+[smhdw])+$/, { error: 'expected a duration such as 1h, 30m, 7d or 1h30m' })
    .optional(),
  allowedProviders: list().optional(),
  excludedProviders: list().optional(),
  allowedModels: list().optional(),
  excludedModels: list().optional(),
  shared: bool().optional(),
  warnAt: number('a ratio between 0 and 1')
    .gt(0, { error: 'must be above 0' })
    .lt(1, { error: 'must be below 1 (0.8 = warn at 80 %)' })
    .optional(),
};
const typeArg = z.enum(TYPES, { error: 'expected rolling, daily, weekly or monthly' });
const limitTypeArg = z.enum(LIMIT_TYPES, { error: 'expected requests, tokens or cost' });
const limitArg = number('a number').min(1, { error: 'must be at least 1' });

export function limitText(limitType: string | null | undefined, limit: number | null | undefined): string {
  if (limitType === 'cost') return formatMoney(limit);
  return limit == null ? DASH : `${formatNumber(limit)} ${limitType ?? ''}`.trim();
}

const periodText = (q: S.UserQuotaConfig) => (q.type === 'rolling' ? `rolling ${q.duration ?? '?'}` : (q.type ?? DASH));

/** Key names using each quota, from `GET keys` (assigned quotas only). */
async function keysByQuota(ctx: RunContext<unknown>): Promise<Map<string, string[]>> {
  const keys = await ctx.deps.plexus.request('GET', KEYS, { schema: S.apiKeyListSchema });
  const out = new Map<string, string[]>();
  for (const k of keys) {
    for (const q of new Set([...(k.quotas ?? []), ...(k.quota ? [k.quota] : [])])) out.set(q, [...(out.get(q) ?? []), k.name]);
  }
  return out;
}

const readQuota = (ctx: RunContext<unknown>, name: string) =>
  ctx.deps.plexus.request('GET', quotaPath(name), { schema: S.userQuotaConfigSchema });

const withoutName = ({ name: _name, ...def }: S.UserQuotaConfig): Record<string, unknown> => def;

export const userQuotasList = defineCommand({
  words: ['user-quotas', 'list'],
  summary: 'List user quotas and the keys that use them.',
  example: 'user-quotas list',
  tier: 'read',
  args: args({}),
  calls: [
    { method: 'GET', path: QUOTAS },
    { method: 'GET', path: KEYS },
  ],
  run: async (ctx) => {
    const [quotas, users] = await Promise.all([
      ctx.deps.plexus.request('GET', QUOTAS, { schema: S.userQuotaListSchema }),
      keysByQuota(ctx),
    ]);
    if (ctx.json)
      return jsonReply(
        'User quotas',
        quotas.map((q) => ({ ...q, keys: users.get(q.name) ?? [] })),
      );
    return reply({
      title: `User quotas (${quotas.length})`,
      blocks: quotas.length
        ? [
            table(
              ['name', 'type', 'limitType', { header: 'limit', align: 'right' }, 'duration', 'keys'],
              quotas.map((q) => [
                q.name,
                q.type ?? DASH,
                q.limitType ?? DASH,
                limitText(q.limitType, q.limit),
                q.duration ?? DASH,
                (users.get(q.name) ?? []).join(', ') || DASH,
              ]),
            ),
            context('`quota status <key>` shows what a key has used.'),
          ]
        : [text('No user quotas are defined. `user-quotas set <name> type= limitType= limit=` creates one.')],
    });
  },
});

export const userQuotasGet = defineCommand({
  words: ['user-quotas', 'get'],
  summary: 'Show one user quota and the keys that use it.',
  usage: '<name>',
  example: 'user-quotas get monthly-cost',
  tier: 'read',
  positional: ['name'],
  args: args({ name: word('<name>') }),
  calls: [
    { method: 'GET', path: QUOTA_TEMPLATE },
    { method: 'GET', path: KEYS },
  ],
  run: async (ctx) => {
    const [q, users] = await Promise.all([
      ctx.deps.plexus.request('GET', quotaPath(ctx.args.name), { schema: S.userQuotaConfigSchema }),
      keysByQuota(ctx),
    ]);
    const keys = users.get(ctx.args.name) ?? [];
    if (ctx.json) return jsonReply(`User quota ${ctx.args.name}`, { ...q, keys });
    const join = (l: readonly string[] | null | undefined) => (l && l.length > 0 ? l.join(', ') : null);
    const scope = [
      join(q.allowedProviders) && `providers ${join(q.allowedProviders)}`,
      join(q.excludedProviders) && `not providers ${join(q.excludedProviders)}`,
      join(q.allowedModels) && `models ${join(q.allowedModels)}`,
      join(q.excludedModels) && `not models ${join(q.excludedModels)}`,
    ].filter(Boolean);
    return reply({
      title: `User quota ${ctx.args.name}`,
      blocks: [
        fields([
          { label: 'Period', value: periodText(q) },
          { label: 'Limit', value: limitText(q.limitType, q.limit) },
          { label: 'Counts', value: scope.length > 0 ? scope.join('; ') : 'every request of the key' },
          { label: 'Shared', value: q.shared ? 'yes (one budget for all its keys)' : 'no (each key has its own)' },
          { label: 'Warn at', value: q.warnAt == null ? DASH : formatPercent(q.warnAt, 0) },
          { label: `Keys (${keys.length})`, value: keys.join(', ') || DASH },
        ]),
      ],
    });
  },
});

export const userQuotasSet = defineCommand({
  words: ['user-quotas', 'set'],
  summary: 'Create or replace a user quota.',
  usage:
    '<name> type=rolling|daily|weekly|monthly limitType=requests|tokens|cost limit= [duration=] [allowedProviders= ' +
    'excludedProviders= allowedModels= excludedModels= shared= warnAt=]',
  example: 'user-quotas set burst-guard type=rolling limitType=requests limit=300 duration=10m',
  tier: 'write',
  positional: ['name'],
  args: args({ name: quotaName, type: typeArg, limitType: limitTypeArg, limit: limitArg, ...options }).superRefine((a, issues) => {
    if (a.type === 'rolling' && a.duration === undefined)
      issues.addIssue({ code: 'custom', path: ['duration'], message: 'a rolling quota needs duration= (e.g. 1h)' });
    if (a.type !== 'rolling' && a.duration !== undefined)
      issues.addIssue({
        code: 'custom',
        path: ['duration'],
        message: `only rolling quotas take a duration; a ${a.type} quota resets on its own`,
      });
  }),
  calls: [
    { method: 'GET', path: QUOTA_TEMPLATE },
    { method: 'PUT', path: QUOTA_TEMPLATE },
  ],
  run: async (ctx) => {
    const { name, ...def } = ctx.args;
    return setRecord(ctx, {
      title: `User quota ${name}`,
      read: () => readQuota(ctx, name),
      write: async () => {
        const res = await ctx.deps.plexus.request('PUT', quotaPath(name), { body: defined(def), schema: S.userQuotaWriteResultSchema });
        return res.quota ? withoutName(res.quota) : defined(def);
      },
      changed: (before, after) => [changeBlock(changeLines(withoutName(before), after))],
      created: (after) => [
        text(`${periodText(after as S.UserQuotaConfig)}, limit ${limitText(def.limitType, def.limit)}`),
        context(`Assign it with \`keys patch <key> quotas=${name}\`.`),
      ],
    });
  },
});

export const userQuotasPatch = defineCommand({
  words: ['user-quotas', 'patch'],
  summary: 'Change some fields of a user quota.',
  usage:
    '<name> [type= limitType= limit= duration= allowedProviders= excludedProviders= allowedModels= excludedModels= shared= ' +
    'warnAt=] [{json}]',
  example: 'user-quotas patch requests-daily limit=200',
  tier: 'write',
  positional: ['name'],
  args: args({
    name: quotaName,
    type: typeArg.optional(),
    limitType: limitTypeArg.optional(),
    limit: limitArg.optional(),
    ...options,
  }).refine((a) => Object.keys(defined(a)).length > 1, {
    error: 'nothing to change: give at least one field, e.g. limit=200',
  }),
  calls: [
    { method: 'GET', path: QUOTA_TEMPLATE },
    { method: 'PATCH', path: QUOTA_TEMPLATE },
  ],
  run: async (ctx) => {
    const { name, ...patch } = ctx.args;
    return patchRecord(ctx, {
      title: `User quota ${name}`,
      read: () => readQuota(ctx, name),
      write: async (before) => {
        const res = await ctx.deps.plexus.request('PATCH', quotaPath(name), { body: defined(patch), schema: S.userQuotaWriteResultSchema });
        return res.quota ? withoutName(res.quota) : { ...withoutName(before), ...defined(patch) };
      },
      changed: (before, after) => [changeBlock(changeLines(withoutName(before), after))],
    });
  },
});

export const userQuotasDelete = defineCommand({
  words: ['user-quotas', 'delete'],
  summary: 'Delete a user quota (Plexus refuses while a key uses it).',
  usage: '<name>',
  example: 'user-quotas delete weekly-tokens',
  tier: 'destructive',
  positional: ['name'],
  args: args({ name: word('<name>') }),
  calls: [
    { method: 'GET', path: QUOTA_TEMPLATE },
    { method: 'GET', path: KEYS },
    { method: 'GET', path: SETTINGS },
    { method: 'DELETE', path: QUOTA_TEMPLATE },
  ],
  describeRisk: async (ctx) => {
    const { name } = ctx.args;
    const [q, users, settings] = await Promise.all([
      ctx.deps.plexus.request('GET', quotaPath(name), { schema: S.userQuotaConfigSchema }),
      keysByQuota(ctx),
      ctx.deps.plexus.request('GET', SETTINGS, { schema: S.looseRecordSchema }),
    ]);
    const keys = users.get(name) ?? [];
    const isDefault = Array.isArray(settings.default_quotas) && settings.default_quotas.includes(name);
    const lines = [
      `User quota \`${name}\` (${periodText(q)}, ${limitText(q.limitType, q.limit)}) will be deleted, with the usage counted against it.`,
    ];
    if (keys.length > 0)
      lines.push(
        `It is assigned to ${keys.length === 1 ? 'key' : 'keys'} ${keys.join(', ')}: Plexus refuses to delete a quota in use. ` +
          `Remove it from ${keys.length === 1 ? 'that key' : 'those keys'} first.`,
      );
    else lines.push('No key uses it.');
    if (isDefault) lines.push('It is one of the default quotas (settings default_quotas): Plexus refuses until it is removed from there.');
    return { lines };
  },
  run: async (ctx) => {
    const { name } = ctx.args;
    try {
      await ctx.deps.plexus.request('DELETE', quotaPath(name), { schema: S.successSchema });
    } catch (e) {
      if (isPlexusHttpError(e) && e.status === 409) {
        throw new BotError('UPSTREAM_HTTP', e.message, {
          details: e.details,
          hints: [
            'Nothing was deleted. Take the quota off those keys (`keys patch <key> quotas=...`) or out of default_quotas ' +
              '(`settings set`), then try again.',
          ],
          cause: e,
        });
      }
      throw e;
    }
    return reply({ title: `User quota ${name} deleted`, severity: 'success', blocks: [byActor(ctx.actor)] });
  },
});

export const userQuotaCommands = [userQuotasList, userQuotasGet, userQuotasSet, userQuotasPatch, userQuotasDelete];
