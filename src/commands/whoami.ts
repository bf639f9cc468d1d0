import { args } from '../core/args.js';
import { defineCommand } from '../core/command.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH } from '../render/format.js';
import { fields, reply } from '../render/reply.js';

export const whoami = defineCommand({
  words: ['whoami'],
  summary: 'Who you are to the bot here, and who the bot is to Plexus.',
  example: 'whoami',
  tier: 'read',
  args: args({}),
  calls: [
    { method: 'GET', path: mgmtPath('auth', 'verify') },
    { method: 'GET', path: mgmtPath('self', 'me') },
  ],
  run: async (ctx) => {
    const [verify, me] = await Promise.all([
      ctx.deps.plexus.request('GET', mgmtPath('auth', 'verify'), { schema: S.authVerifySchema }),
      ctx.deps.plexus.request('GET', mgmtPath('self', 'me'), { schema: S.selfMeSchema }),
    ]);
    const a = ctx.actor;
    return reply({
      title: 'whoami',
      blocks: [
        fields([
          { label: 'You', value: `${a.displayName ?? a.userId} on ${a.platform}` },
          { label: 'Here', value: a.channelId === 'dm' ? 'direct messages' : a.channelId },
          { label: 'Your tier here', value: ctx.granted ?? 'none' },
          { label: 'Plexus', value: ctx.deps.plexus.demo ? 'demo gateway' : new URL(ctx.deps.plexus.baseUrl).host },
          { label: 'Bot role in Plexus', value: `${me.role ?? verify.role ?? DASH}${verify.keyName ? ` (key ${verify.keyName})` : ''}` },
        ]),
      ],
    });
  },
});
