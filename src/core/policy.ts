import type { Actor, Platform } from './actor.js';
import { tierRank, type Command, type Tier } from './command.js';

export interface AccessRule {
  platform: Platform | '*';
  /** Channel ids, `*`, or `dm`. Absent: any channel. */
  channels?: string[];
  users?: string[];
  /** Slack user group ids. */
  groups?: string[];
  /** Discord role ids. */
  roles?: string[];
  tier: Tier;
}

/**
 * `rules: null` means no config file: the console gets every tier, chat
 * platforms get nothing until a file grants it.
 */
export interface AccessPolicy {
  rules: AccessRule[] | null;
}

export type Decision =
  | { allowed: true; granted: Tier; needed: Tier }
  | { allowed: false; granted: Tier | null; needed: Tier; reason: string };

const matchesList = (list: string[] | undefined, value: string): boolean =>
  list === undefined || list.includes('*') || list.includes(value);

/** Users, groups and roles name who the rule is for; any one of them is enough. */
function matchesPrincipal(rule: AccessRule, actor: Actor): boolean {
  const lists = [rule.users, rule.groups, rule.roles].filter((l): l is string[] => l !== undefined);
  if (lists.length === 0) return true;
  if (rule.users && (rule.users.includes('*') || rule.users.includes(actor.userId))) return true;
  const memberships = [...(rule.groups ?? []), ...(rule.roles ?? [])];
  return memberships.includes('*') || actor.groups.some((g) => memberships.includes(g));
}

export function ruleMatches(rule: AccessRule, actor: Actor): boolean {
  return (
    (rule.platform === '*' || rule.platform === actor.platform) &&
    matchesList(rule.channels, actor.channelId) &&
    matchesPrincipal(rule, actor)
  );
}

/** The highest tier granted to this actor here, or null (default deny). */
export function grantedTier(policy: AccessPolicy, actor: Actor): Tier | null {
  if (policy.rules === null) return actor.platform === 'console' ? 'destructive' : null;
  let best: Tier | null = null;
  for (const rule of policy.rules) {
    if (ruleMatches(rule, actor) && (best === null || tierRank(rule.tier) > tierRank(best))) best = rule.tier;
  }
  return best;
}

export function authorize(policy: AccessPolicy, actor: Actor, command: Pick<Command, 'tier' | 'name'>): Decision {
  const granted = grantedTier(policy, actor);
  const needed = command.tier;
  if (granted !== null && tierRank(granted) >= tierRank(needed)) return { allowed: true, granted, needed };
  const where = actor.channelId === 'dm' ? 'in direct messages' : 'in this channel';
  const has = granted === null ? `you have no access ${where}` : `you have the ${granted} tier ${where}`;
  const how =
    policy.rules === null
      ? 'No access rules are configured yet: an admin grants tiers in the bot config file (plexus-bot.yml, `access:`).'
      : 'An admin grants it in the bot config file (plexus-bot.yml, `access:`).';
  return { allowed: false, granted, needed, reason: `\`${command.name}\` needs the ${needed} tier; ${has}. ${how}` };
}
