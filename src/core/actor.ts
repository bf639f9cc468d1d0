export type Platform = 'slack' | 'discord' | 'console';

/** Who asked, from where. Adapters fill it; the core never looks at platform payloads. */
export interface Actor {
  platform: Platform;
  userId: string;
  /** Channel id, or `dm` for direct messages. */
  channelId: string;
  /** Slack user group ids or Discord role ids. */
  groups: string[];
  displayName?: string;
}

export const actorKey = (a: Actor): string => `${a.platform}:${a.userId}`;
