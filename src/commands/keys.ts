import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { args, list, word } from '../core/args.js';
import { defineCommand } from '../core/command.js';
import { BotError } from '../core/errors.js';
import { isPlexusHttpError } from '../plexus/errors.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH } from '../render/format.js';
import { maskSecret } from '../render/mask.js';
import { context, fields, reply, table, text } from '../render/reply.js';
import { jsonReply } from './json-reply.js';

const KEYS = mgmtPath('keys');
const keyPath = (name: string) => mgmtPath('keys', name);

/** 192 random bits, in the `sk-` form inference clients expect. */
export const generateSecret = (): string => `sk-plexus-${randomBytes(24).toString('hex')}`;

const joinOr = (l: readonly string[] | undefined | null): string => (l && l.length > 0 ? l.join(', ') : DASH);

export const keysList = defineCommand({
  words: ['keys', 'list'],
  summary: 'List inference keys (secrets masked).',
  example: 'keys list',
  tier: 'read',
  args: args({}),
  calls: [{ method: 'GET', path: KEYS }],
  run: async (ctx) => {
    const map = await ctx.deps.plexus.request('GET', KEYS, { schema: S.apiKeyListSchema });
    if (ctx.json) return jsonReply('Keys', map);
    const keys = map;
    return reply({
      title: `Keys (${keys.length})`,
      blocks: keys.length
        ? [table(['name', 'comment', 'quotas', 'secret'], keys.map((k) => [k.name, k.comment ?? DASH, joinOr(k.quotas), typeof k.secret === 'string' ? maskSecret(k.secret) : DASH]))]
        : [text('No inference keys exist.')],
    });
  },
});

const keyOptions = {
  comment: z.string().optional(),
  allowedProviders: list().optional(),
  excludedProviders: list().optional(),
  allowedModels: list().optional(),
  excludedModels: list().optional(),
  allowedIps: list().optional(),
  quotas: list().optional(),
};

export const keysCreate = defineCommand({
  words: ['keys', 'create'],
  summary: 'Create an inference key with a strong generated secret, shown once, privately.',
  usage: '<name> [comment= allowedProviders= excludedProviders= allowedModels= excludedModels= allowedIps= quotas=a,b]',
  example: 'keys create ci-runner comment="CI runner" quotas=requests-daily',
  tier: 'write',
  private: true,
  positional: ['name'],
  args: args({ name: word('<name>'), ...keyOptions }),
  calls: [
    { method: 'GET', path: mgmtPath('keys', '{name}') },
    { method: 'PUT', path: mgmtPath('keys', '{name}') },
  ],
  run: async (ctx) => {
    const { name, ...options } = ctx.args;
    const exists = await ctx.deps.plexus.request('GET', keyPath(name), { schema: S.apiKeyConfigSchema }).then(
      () => true,
      (e: unknown) => {
        if (isPlexusHttpError(e) && e.status === 404) return false;
        throw e;
      },
    );
    if (exists) {
      throw new BotError('INVALID_ARGS', `Key \`${name}\` already exists; \`keys create\` never overwrites one. Nothing was changed.`, {
        hints: ['Use `keys patch <name> ...` to change it, or `keys rotate <name>` for a new secret.'],
      });
    }
    const secret = generateSecret();
    const body = Object.fromEntries(Object.entries({ secret, ...options }).filter(([, v]) => v !== undefined));
    await ctx.deps.plexus.request('PUT', keyPath(name), { body, schema: S.successSchema });
    return reply({
      title: `Key ${name} created`,
      severity: 'success',
      private: true,
      blocks: [
        fields([
          { label: 'Secret (shown once)', value: secret },
          { label: 'Comment', value: options.comment ?? DASH },
          { label: 'Quotas', value: joinOr(options.quotas) },
          { label: 'Allowed providers', value: joinOr(options.allowedProviders) },
        ]),
        context('Store the secret now: it is not shown again (`keys list` masks it).'),
      ],
    });
  },
});

export const keysDelete = defineCommand({
  words: ['keys', 'delete'],
  summary: 'Delete an inference key; clients using it are refused at once.',
  usage: '<name>',
  example: 'keys delete alice-dev',
  tier: 'destructive',
  positional: ['name'],
  args: args({ name: word('<name>') }),
  calls: [
    { method: 'GET', path: mgmtPath('keys', '{name}') },
    { method: 'DELETE', path: mgmtPath('keys', '{name}') },
  ],
  describeRisk: async (ctx) => {
    const k = await ctx.deps.plexus.request('GET', keyPath(ctx.args.name), { schema: S.apiKeyConfigSchema });
    return [
      `Key \`${ctx.args.name}\`${k.comment ? ` ("${k.comment}")` : ''} will be deleted: every client using it gets 401 from then on.`,
      ...(k.quotas && k.quotas.length > 0 ? [`Its quota assignments (${k.quotas.join(', ')}) go with it.`] : []),
    ];
  },
  run: async (ctx) => {
    await ctx.deps.plexus.request('DELETE', keyPath(ctx.args.name), { schema: S.successSchema });
    return reply({ title: `Key ${ctx.args.name} deleted`, severity: 'success', blocks: [context(`by ${ctx.actor.displayName ?? ctx.actor.userId}`)] });
  },
});

export const keyCommands = [keysList, keysCreate, keysDelete];
