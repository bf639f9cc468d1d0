/** Who is asking, from where: Slack ids → the core's Actor. */
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Actor } from '../../src/core/actor.js';
import type { Clock } from '../../src/core/clock.js';

/** `dm` for direct messages (the core's rules say `dm`), the channel id otherwise. */
export function policyChannel(channelId: string, channelName?: string): string {
  return channelName === 'directmessage' || channelId.startsWith('D') ? 'dm' : channelId;
}

export function slackActor(userId: string, channelId: string, channelName: string | undefined, groups: string[]): Actor {
  // A mention renders as the person's name wherever the core writes "by …".
  return { platform: 'slack', userId, channelId: policyChannel(channelId, channelName), groups, displayName: `<@${userId}>` };
}

/**
 * Slack escapes &, < and > in what users type and wraps links as
 * `<https://x|label>`; the command language wants the text as typed.
 */
export function typedText(s: string): string {
  return s
    .replace(/<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>/g, (_, url: string) => (url.startsWith('mailto:') ? url.slice(7) : url))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

interface GroupsResponse {
  usergroups?: { id?: string; users?: string[] }[];
}

/**
 * Slack user group ids per user, from one `usergroups.list` (with users)
 * kept for a short time. A failure degrades to no groups (logged, retried
 * after a pause), never to an error for the user.
 */
export class UserGroups {
  private byUser?: { at: number; map: Map<string, string[]> };
  private loading?: Promise<Map<string, string[]>>;
  private failedAt?: number;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly ttlMs = 60_000,
    private readonly retryAfterFailureMs = 10_000,
  ) {}

  async of(userId: string): Promise<string[]> {
    const now = this.clock.now();
    if (this.byUser && now - this.byUser.at < this.ttlMs) return this.byUser.map.get(userId) ?? [];
    if (this.failedAt !== undefined && now - this.failedAt < this.retryAfterFailureMs) return this.byUser?.map.get(userId) ?? [];
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    try {
      return (await this.loading).get(userId) ?? [];
    } catch (e) {
      this.failedAt = this.clock.now();
      const code = (e as { data?: { error?: string } }).data?.error ?? (e as Error).message;
      this.logger.warn({ error: code }, 'could not read Slack user groups (usergroups:read scope?); access by group is off until it works');
      return [];
    }
  }

  private async load(): Promise<Map<string, string[]>> {
    const res = (await this.client.usergroups.list({ include_users: true })) as GroupsResponse;
    const map = new Map<string, string[]>();
    for (const g of res.usergroups ?? []) {
      if (!g.id) continue;
      for (const u of g.users ?? []) map.set(u, [...(map.get(u) ?? []), g.id]);
    }
    this.byUser = { at: this.clock.now(), map };
    this.failedAt = undefined;
    return map;
  }
}
