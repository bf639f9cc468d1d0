/** Posting alerts and digests to a channel without a command to answer. */
import { Routes, type REST } from 'discord.js';
import type { ChannelPoster } from '../../src/core/channel-poster.js';
import type { Reply } from '../../src/render/reply.js';
import { messagesFor, type ActionRefs, type OutgoingMessage } from './messages.js';

function request(m: OutgoingMessage) {
  const files = m.files ?? [];
  return {
    body: {
      ...(m.content !== undefined ? { content: m.content } : {}),
      embeds: m.embeds,
      components: m.components,
      allowed_mentions: { parse: [] },
      ...(files.length > 0 ? { attachments: files.map((f, id) => ({ id, filename: f.name })) } : {}),
    },
    ...(files.length > 0
      ? {
          files: files.map((f, i) => ({
            key: `files[${i}]`,
            name: f.name,
            data: f.data,
            ...(f.contentType ? { contentType: f.contentType } : {}),
          })),
        }
      : {}),
  };
}

function refusePrivate(reply: Reply): void {
  if (reply.private) throw new Error('A private reply is never posted to a channel');
}

/**
 * A channel message per part of the Reply; `post` returns the first one's id,
 * which `update` edits (parts beyond the first are posted anew).
 */
export function discordPoster(rest: REST, refs: ActionRefs): ChannelPoster {
  const send = async (channelId: string, m: OutgoingMessage): Promise<string> => {
    const res = (await rest.post(Routes.channelMessages(channelId), request(m))) as { id: string };
    return res.id;
  };
  return {
    platform: 'discord',
    async post(channelId, reply) {
      refusePrivate(reply);
      await refs.remember(reply.actions);
      let first: string | undefined;
      for (const m of messagesFor(reply)) {
        const id = await send(channelId, m);
        first ??= id;
      }
      return { messageId: first! };
    },
    async update(channelId, messageId, reply) {
      refusePrivate(reply);
      await refs.remember(reply.actions);
      const [head, ...more] = messagesFor(reply);
      const edit = request({ ...head!, content: head!.content ?? '' });
      await rest.patch(Routes.channelMessage(channelId, messageId), edit);
      for (const m of more) await send(channelId, m);
    },
  };
}
