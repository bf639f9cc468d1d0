/**
 * Alerts and digests into Slack channels: chat.postMessage / chat.update, one at a time per channel;
 * a file is shared after the message.
 */
import type { types, webApi } from '@slack/bolt';
import type { ChannelPoster } from '../../src/core/channel-poster.js';
import type { Reply } from '../../src/render/reply.js';
import { renderBlockKit, splitForSlack } from './block-kit.js';
import type { KeyedQueues } from './conversation.js';
import { uploadFile } from './files.js';

type Blocks = types.KnownBlock[];

export class SlackChannelPoster implements ChannelPoster {
  readonly platform = 'slack' as const;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly queues: KeyedQueues,
  ) {}

  /** Posts every part in order (none interleaved with other posts there); the id is the first part's ts. */
  post(channelId: string, reply: Reply): Promise<{ messageId: string }> {
    if (reply.private) return Promise.reject(new Error('a private reply is never posted to a channel'));
    return this.queues.run(channelId, async () => {
      let first: string | undefined;
      for (const part of splitForSlack(reply)) {
        const m = renderBlockKit(part);
        const res = await this.client.chat.postMessage({ channel: channelId, text: m.text, blocks: m.blocks as Blocks });
        first ??= res.ts;
      }
      if (!first) throw new Error('chat.postMessage returned no ts');
      if (reply.file?.content) await uploadFile(this.client, { channelId, name: reply.file.name, content: reply.file.content });
      return { messageId: first };
    });
  }

  /** Replaces the message in place; an answer that outgrew one message keeps its first part. */
  update(channelId: string, messageId: string, reply: Reply): Promise<void> {
    if (reply.private) return Promise.reject(new Error('a private reply is never posted to a channel'));
    const [head = reply] = splitForSlack(reply);
    const m = renderBlockKit(head);
    return this.queues.run(channelId, async () => {
      await this.client.chat.update({ channel: channelId, ts: messageId, text: m.text, blocks: m.blocks as Blocks });
    });
  }
}
