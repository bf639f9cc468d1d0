import type { ChannelPoster } from '../../src/core/channel-poster.js';
import type { Reply } from '../../src/render/reply.js';
import { renderText } from '../../src/render/text.js';

export interface PostedMessage {
  channelId: string;
  messageId: string;
  reply: Reply;
}

/** A channel as the watchers see it: every post and every edit, in order. */
export class RecordingPoster implements ChannelPoster {
  readonly platform = 'slack' as const;
  posts: PostedMessage[] = [];
  updates: PostedMessage[] = [];
  /** How many of the next posts fail as a platform would. */
  failures = 0;
  private n = 0;

  async post(channelId: string, reply: Reply): Promise<{ messageId: string }> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('platform hiccup');
    }
    const messageId = `m${++this.n}`;
    this.posts.push({ channelId, messageId, reply });
    return { messageId };
  }

  async update(channelId: string, messageId: string, reply: Reply): Promise<void> {
    this.updates.push({ channelId, messageId, reply });
  }

  /** What a message shows now. */
  shown(messageId: string): string {
    const last = [...this.updates].reverse().find((u) => u.messageId === messageId) ?? this.posts.find((p) => p.messageId === messageId);
    return last ? renderText(last.reply) : '';
  }

  titled(prefix: string): PostedMessage[] {
    return this.posts.filter((p) => p.reply.title?.startsWith(prefix));
  }
}
