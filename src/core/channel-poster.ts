import type { Platform } from './actor.js';
import type { Reply } from '../render/reply.js';

/**
 * Posting to a channel without a command to answer (alerts, digests).
 * Each chat adapter implements it; watchers only see this interface.
 */
export interface ChannelPoster {
  platform: Exclude<Platform, 'console'>;
  /** Posts a new message; the id is what `update` takes. */
  post(channelId: string, reply: Reply): Promise<{ messageId: string }>;
  /** Replaces a message posted earlier (an alert resolved or escalated). */
  update(channelId: string, messageId: string, reply: Reply): Promise<void>;
}
