/**
 * Where the messages of one request go: to the requester only, to everyone
 * in the conversation, or in place of the message that was clicked.
 */
import type { RespondFn, types, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import PQueue from 'p-queue';
import type { SlackMessage } from './block-kit.js';

/** One queue per key (a channel, or a person in a channel), one message at a time, so none overtakes or is lost. */
export class KeyedQueues {
  private readonly queues = new Map<string, PQueue>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let q = this.queues.get(key);
    if (!q) {
      const queue = new PQueue({ concurrency: 1 });
      queue.on('idle', () => {
        if (this.queues.get(key) === queue && queue.size === 0 && queue.pending === 0) this.queues.delete(key);
      });
      this.queues.set(key, queue);
      q = queue;
    }
    return q.add(task);
  }

  async idle(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.onIdle()));
  }
}

export interface Conversation {
  userId: string;
  /** The Slack channel id (C…, G…, D…). */
  channelId: string;
  /** Seen by the requester alone (ephemeral, or the bot's DM). */
  toRequester(m: SlackMessage): Promise<void>;
  /** Seen by everyone in the conversation. */
  toChannel(m: SlackMessage): Promise<void>;
  /** Replaces the clicked message (button clicks only). */
  replace?(m: SlackMessage): Promise<void>;
}

export interface ConversationDeps {
  client: webApi.WebClient;
  queues: KeyedQueues;
  logger: Logger;
}

type Blocks = types.KnownBlock[];

/** Slack lets a response_url be used five times within 30 minutes. */
export const RESPONSE_URL_USES = 5;

/**
 * Through the response_url first (works in any conversation, member or
 * not, including DMs between people), then the Web API once it is used up
 * or refused.
 */
export function viaResponseUrl(
  d: ConversationDeps,
  o: { respond?: RespondFn; userId: string; channelId: string; messageTs?: string; ephemeralOriginal?: boolean },
): Conversation {
  let uses = 0;
  const tryRespond = async (args: Parameters<RespondFn>[0]): Promise<boolean> => {
    if (!o.respond || uses >= RESPONSE_URL_USES) return false;
    uses++;
    try {
      await o.respond(args);
      return true;
    } catch (e) {
      d.logger.warn({ error: (e as Error).message }, 'response_url refused a message; using the Web API');
      return false;
    }
  };
  const requesterKey = `${o.channelId}/${o.userId}`;
  return {
    userId: o.userId,
    channelId: o.channelId,
    toRequester: (m) =>
      d.queues.run(requesterKey, async () => {
        if (await tryRespond({ response_type: 'ephemeral', replace_original: false, text: m.text, blocks: m.blocks })) return;
        await d.client.chat.postEphemeral({ channel: o.channelId, user: o.userId, text: m.text, blocks: m.blocks as Blocks });
      }),
    toChannel: (m) =>
      d.queues.run(o.channelId, async () => {
        if (await tryRespond({ response_type: 'in_channel', replace_original: false, text: m.text, blocks: m.blocks })) return;
        await d.client.chat.postMessage({ channel: o.channelId, text: m.text, blocks: m.blocks as Blocks });
      }),
    replace: (m) =>
      d.queues.run(requesterKey, async () => {
        if (await tryRespond({ replace_original: true, text: m.text, blocks: m.blocks })) return;
        if (o.messageTs && !o.ephemeralOriginal) {
          await d.client.chat.update({ channel: o.channelId, ts: o.messageTs, text: m.text, blocks: m.blocks as Blocks });
        } else {
          await d.client.chat.postEphemeral({ channel: o.channelId, user: o.userId, text: m.text, blocks: m.blocks as Blocks });
        }
      }),
  };
}

/** The bot's own DM with the requester: private by nature, plain posts. */
export function inDirectMessage(d: ConversationDeps, o: { userId: string; channelId: string }): Conversation {
  const post = (m: SlackMessage) =>
    d.queues.run(
      o.channelId,
      async () => void (await d.client.chat.postMessage({ channel: o.channelId, text: m.text, blocks: m.blocks as Blocks })),
    );
  return { userId: o.userId, channelId: o.channelId, toRequester: post, toChannel: post };
}
