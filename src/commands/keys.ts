import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { args, bool, int, list, word } from '../core/args.js';
import { defineCommand } from '../core/command.js';
import { BotError } from '../base/errors.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH } from '../render/format.js';
import { maskSecret } from '../render/mask.js';
import { context, fields, reply, table, text } from '../render/reply.js';
import { openArgs, type FieldSpec } from './body-args.js';
import { byActor } from './changes.js';
import { diffBlock } from './diff.js';
import { jsonReply } from './json-reply.js';
import { findKey, getKey, joinOr, KEY_ONE as ONE, keyFields, keyPath } from './key-view.js';
import { keysDisable, keysRotate } from './keys-lifecycle.js';
import { patchRecord, setRecord } from './record-write.js';

const KEYS = mgmtPath('keys');

/** 192 random bits, in the `sk-` form inference clients expect. */
export const generateSecret = (): string => `sk-plexus-${randomBytes(24).toString('hex')}`;

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
        ? [
            table(
              ['name', 'comment', 'quotas', 'secret'],
              keys.map((k) => [k.name, k.comment ?? DASH, joinOr(k.quotas), typeof k.secret === 'string' ? maskSecret(k.secret) : DASH]),
            ),
          ]
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
    if (await findKey(ctx, name)) {
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
    return {
      lines: [
        `Key \`${ctx.args.name}\`${k.comment ? ` ("${k.comment}")` : ''} will be deleted: every client using it gets 401 from then on.`,
        ...(k.quotas && k.quotas.length > 0 ? [`Its quota assignments (${k.quotas.join(', ')}) go with it.`] : []),
      ],
    };
  },
  run: async (ctx) => {
    await ctx.deps.plexus.request('DELETE', keyPath(ctx.args.name), { schema: S.successSchema });
    return reply({ title: `Key ${ctx.args.name} deleted`, severity: 'success', blocks: [byActor(ctx.actor)] });
  },
});

export const keysGet = defineCommand({
  words: ['keys', 'get'],
  summary: 'Show one inference key: scope, quotas, expiry (secret masked).',
  usage: '<name>',
  example: 'keys get support-bot',
  tier: 'read',
  positional: ['name'],
  args: args({ name: word('<name>') }),
  calls: [{ method: 'GET', path: ONE }],
  run: async (ctx) => {
    const k = await getKey(ctx, ctx.args.name);
    if (ctx.json) return jsonReply(`Key ${ctx.args.name}`, k);
    const now = ctx.deps.clock.now();
    const state = k.disabledAt != null ? 'disabled' : k.expiresAt != null && k.expiresAt <= now ? 'expired' : 'active';
    return reply({
      title: `Key ${ctx.args.name} (${state})`,
      severity: state === 'active' ? 'info' : 'warning',
      blocks: [fields(keyFields(k, now)), context('`quota status <key>` shows what it has used.')],
    });
  },
});

/** Key fields a person can give as name=value (anything else goes in the JSON body). */
const SPEC: FieldSpec = {
  comment: z.string(),
  quotas: list(),
  allowedProviders: list(),
  excludedProviders: list(),
  allowedModels: list(),
  excludedModels: list(),
  allowedIps: list(),
  allowRawPassthrough: bool(),
};
const SET_SPEC: FieldSpec = { secret: z.string().min(1, { error: 'expected the secret' }), ...SPEC, expiresInMinutes: int({ min: 1 }) };

/** A key body as Plexus should get it: no nulls (a `quota: null` is stored as a quota named "null"). */
const withoutNulls = (body: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null && v !== undefined));

const withoutName = ({ name: _n, ...k }: S.ApiKeyConfig) => k;

const SET_ARGS = `<name> secret=... [${Object.keys(SET_SPEC)
  .filter((f) => f !== 'secret')
  .map((f) => `${f}=`)
  .join(' ')}] [{json}]`;
const STRONG = 24;

export const keysSet = defineCommand({
  words: ['keys', 'set'],
  summary: 'Create or replace an inference key with a secret you choose (fields not given are cleared); answered privately.',
  usage: SET_ARGS,
  example: 'keys set partner-acme secret=sk-acme-0f9e8d7c6b5a49382716 comment="ACME integration" allowedModels=fast,cheap',
  tier: 'write',
  private: true,
  positional: ['name'],
  args: openArgs({ name: word('<name>') }),
  fields: { spec: SET_SPEC },
  calls: [
    { method: 'GET', path: ONE },
    { method: 'PUT', path: ONE },
  ],
  run: async (ctx) => {
    const usage = `keys set ${SET_ARGS}`;
    const { name } = ctx.args;
    const body = withoutNulls(ctx.args.fields.body);
    if (typeof body.secret !== 'string') {
      throw new BotError('INVALID_ARGS', '`keys set`: missing secret=.', {
        hints: [
          `Usage: ${usage}`,
          'To have a strong secret generated instead, use `keys create <name>` (or `keys rotate <name>` for an existing key).',
        ],
      });
    }
    const weak =
      body.secret.length < STRONG
        ? [
            context(
              `This secret has only ${body.secret.length} characters; \`keys rotate ${name}\` replaces it with a generated 192-bit one.`,
            ),
          ]
        : [];
    return setRecord(ctx, {
      title: `Key ${name}`,
      read: () => getKey(ctx, name),
      write: async () => {
        await ctx.deps.plexus.request('PUT', keyPath(name), { body, schema: S.successSchema });
        return getKey(ctx, name);
      },
      changed: (before, after) => [
        diffBlock(withoutName(before), withoutName(after)),
        context('`keys set` replaces the whole key: fields not given are cleared (`keys patch` changes single fields).'),
      ],
      created: (after) => [fields(keyFields(after, ctx.deps.clock.now()))],
      extra: () => weak,
      private: true,
    });
  },
});

const PATCH_ARGS = `<name> name=value... [{json}] (fields: ${Object.keys(SPEC).join(', ')})`;

export const keysPatch = defineCommand({
  words: ['keys', 'patch'],
  summary: 'Change some fields of an inference key (its secret is changed with keys rotate or keys set).',
  usage: PATCH_ARGS,
  example: 'keys patch support-bot quotas=tokens-rolling-hour,requests-daily comment="Support assistant (EU)"',
  tier: 'write',
  positional: ['name'],
  args: openArgs({ name: word('<name>') }),
  fields: {
    spec: SPEC,
    refuse: {
      secret: ({ name }) =>
        new BotError('INVALID_ARGS', '`keys patch` does not change secrets (the line would show it).', {
          hints: [
            `\`keys rotate ${name}\` generates a new secret and shows it to you privately; ` +
              `\`keys set ${name} secret=...\` sets one you choose, privately.`,
          ],
        }),
    },
  },
  calls: [
    { method: 'GET', path: ONE },
    { method: 'PATCH', path: ONE },
  ],
  run: async (ctx) => {
    const usage = `keys patch ${PATCH_ARGS}`;
    const { name } = ctx.args;
    const body = withoutNulls(ctx.args.fields.body);
    if (Object.keys(body).length === 0) {
      throw new BotError('INVALID_ARGS', '`keys patch`: nothing to change: give at least one field, e.g. comment="CI runner".', {
        hints: [`Usage: ${usage}`],
      });
    }
    return patchRecord(ctx, {
      title: `Key ${name}`,
      read: () => getKey(ctx, name),
      write: async () => {
        await ctx.deps.plexus.request('PATCH', keyPath(name), { body, schema: S.successSchema });
        return getKey(ctx, name);
      },
      changed: (before, after) => [diffBlock(withoutName(before), withoutName(after))],
    });
  },
});

export const keyCommands = [keysList, keysGet, keysCreate, keysSet, keysPatch, keysRotate, keysDisable, keysDelete];
