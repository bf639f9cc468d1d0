import { args, word } from '../core/args.js';
import { BotError } from '../base/errors.js';
import { defineCommand } from '../core/command.js';
import { isPlexusHttpError } from '../plexus/errors.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { formatRelative } from '../render/format.js';
import { maskSecret } from '../render/mask.js';
import { context, fields, reply, text } from '../render/reply.js';
import { byActor } from './changes.js';
import { getKey, KEY_ONE as ONE } from './key-view.js';

export const keysRotate = defineCommand({
  words: ['keys', 'rotate'],
  summary: 'Replace the secret of a key with a new one, shown once, privately.',
  usage: '<name>',
  example: 'keys rotate ci-pipeline',
  tier: 'destructive',
  private: true,
  positional: ['name'],
  args: args({ name: word('<name>') }),
  calls: [
    { method: 'GET', path: ONE },
    { method: 'POST', path: mgmtPath('self', 'rotate') },
  ],
  describeRisk: async (ctx) => {
    const k = await getKey(ctx, ctx.args.name);
    return {
      lines: [
        `The secret of key \`${ctx.args.name}\`${k.comment ? ` ("${k.comment}")` : ''} ` +
          `(${typeof k.secret === 'string' ? maskSecret(k.secret) : 'current'}) stops working at once: ` +
          'every client using it gets 401 until it has the new secret.',
        'The new secret is shown once, only to you.',
      ],
    };
  },
  run: async (ctx) => {
    const { name } = ctx.args;
    const res = await ctx.deps.plexus.request('POST', mgmtPath('self', 'rotate'), {
      query: { keyName: name },
      schema: S.rotateResultSchema,
    });
    return reply({
      title: `Key ${res.keyName} rotated`,
      severity: 'success',
      private: true,
      blocks: [
        fields([{ label: 'New secret (shown once)', value: res.secret }]),
        context(
          'Store it now and give it to the clients of this key: the old secret is already refused, and `keys get` masks the new one.',
        ),
        byActor(ctx.actor),
      ],
    });
  },
});

export const keysDisable = defineCommand({
  words: ['keys', 'disable'],
  summary: 'Disable a time-bound key before it expires (Plexus disables only keys created with an expiry).',
  usage: '<name>',
  example: 'keys disable contractor-temp',
  tier: 'write',
  positional: ['name'],
  args: args({ name: word('<name>') }),
  calls: [
    { method: 'POST', path: mgmtPath('keys', '{name}', 'disable') },
    { method: 'GET', path: ONE },
  ],
  run: async (ctx) => {
    const { name } = ctx.args;
    try {
      await ctx.deps.plexus.request('POST', mgmtPath('keys', name, 'disable'), { schema: S.successSchema });
    } catch (e) {
      if (!isPlexusHttpError(e) || e.status !== 400 || !/time-bound/i.test(e.message)) throw e;
      // Plexus refuses keys without an expiry; the user needs its reason and the way out.
      throw new BotError('UPSTREAM_HTTP', `Plexus refused: ${e.message}. Nothing was changed.`, {
        hints: [
          `\`${name}\` has no expiry, so it can only be cut off for good: \`keys delete ${name}\`, or \`keys rotate ${name}\` ` +
            'to lock out whoever holds the current secret.',
        ],
      });
    }
    const k = await getKey(ctx, name);
    const now = ctx.deps.clock.now();
    return reply({
      title: `Key ${name} disabled`,
      severity: 'success',
      blocks: [
        text(
          `Requests with \`${name}\` are refused from now on` +
            `${k.expiresAt != null ? ` (it would have expired ${formatRelative(k.expiresAt, now)})` : ''}.`,
        ),
        byActor(ctx.actor),
      ],
    });
  },
});
