/** Gateway payloads as Discord sends them (API v10): users, members, guilds, interactions, messages. */
import { randomBytes } from 'node:crypto';

const DISCORD_EPOCH = 1420070400000n;
let counter = 0n;

/** A snowflake: milliseconds since Discord's epoch, shifted, plus a counter. */
export function snowflake(): string {
  counter = (counter + 1n) & 0xfffn;
  return String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | counter);
}

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: null;
  bot?: boolean;
  public_flags: number;
}

export const user = (id: string, username: string, bot = false): FakeUser => ({
  id,
  username,
  global_name: bot ? null : username.charAt(0).toUpperCase() + username.slice(1),
  discriminator: '0',
  avatar: null,
  ...(bot ? { bot: true } : {}),
  public_flags: 0,
});

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  roles: { id: string; name: string }[];
  channels: { id: string; name: string }[];
}

const role = (guildId: string, r: { id: string; name: string }, position: number) => ({
  id: r.id,
  name: r.name,
  color: 0,
  colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
  hoist: false,
  icon: null,
  unicode_emoji: null,
  position,
  permissions: r.id === guildId ? '1071698660929' : '8',
  managed: false,
  mentionable: false,
  flags: 0,
});

/** GUILD_CREATE `d` for a guild with its roles (the @everyone role has the guild's id) and text channels. */
export function guildCreate(g: FakeGuild, bot: FakeUser) {
  return {
    id: g.id,
    name: g.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: g.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [{ id: g.id, name: '@everyone' }, ...g.roles].map((r, i) => role(g.id, r, i)),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    joined_at: new Date().toISOString(),
    large: false,
    unavailable: false,
    member_count: 3,
    voice_states: [],
    members: [member(bot, [])],
    channels: g.channels.map((c, i) => ({
      id: c.id,
      type: 0,
      guild_id: g.id,
      name: c.name,
      position: i,
      permission_overwrites: [],
      topic: null,
      nsfw: false,
      last_message_id: null,
      rate_limit_per_user: 0,
      parent_id: null,
      flags: 0,
    })),
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export const member = (u: FakeUser, roles: string[]) => ({
  user: u,
  nick: null,
  avatar: null,
  banner: null,
  roles,
  joined_at: '2025-01-01T00:00:00.000Z',
  premium_since: null,
  deaf: false,
  mute: false,
  flags: 0,
  pending: false,
  permissions: '1071698660929',
  communication_disabled_until: null,
});

export interface Where {
  user: FakeUser;
  /** Role ids (guild interactions); absent: a DM. */
  roles?: string[];
  guildId?: string;
  channelId: string;
}

export interface OptionInput {
  name: string;
  type: number;
  value?: string | number | boolean;
  focused?: boolean;
  options?: OptionInput[];
}

/** The fields every interaction has; `member` in a guild, `user` in a DM. */
function base(type: number, applicationId: string, where: Where) {
  const inGuild = where.guildId !== undefined;
  return {
    id: snowflake(),
    application_id: applicationId,
    type,
    token: `aW50ZXJhY3Rpb246${randomBytes(24).toString('base64url')}`,
    version: 1,
    channel_id: where.channelId,
    channel: inGuild
      ? {
          id: where.channelId,
          type: 0,
          guild_id: where.guildId,
          name: 'llm-ops',
          position: 0,
          permission_overwrites: [],
          nsfw: false,
          parent_id: null,
          flags: 0,
        }
      : { id: where.channelId, type: 1, flags: 0, recipients: [where.user] },
    ...(inGuild
      ? {
          guild_id: where.guildId,
          guild: { id: where.guildId, locale: 'en-US', features: [] },
          member: member(where.user, where.roles ?? []),
          guild_locale: 'en-US',
        }
      : { user: where.user }),
    app_permissions: '1071698660929',
    locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: inGuild ? { '0': where.guildId } : { '1': where.user.id },
    context: inGuild ? 0 : 1,
    attachment_size_limit: 10 * 1024 * 1024,
  };
}

/** A `/plexus …` invocation: `path` is [group?, subcommand], `options` the leaf options. */
export function slashCommand(
  applicationId: string,
  commandId: string,
  where: Where,
  path: string[],
  options: OptionInput[] = [],
  resolved?: { attachments: Record<string, unknown> },
  type = 2,
) {
  let tree: OptionInput[] = options;
  const [a, b] = path;
  if (b !== undefined) tree = [{ name: a!, type: 2, options: [{ name: b, type: 1, options }] }];
  else if (a !== undefined) tree = [{ name: a, type: 1, options }];
  return {
    ...base(type, applicationId, where),
    data: {
      id: commandId,
      name: 'plexus',
      type: 1,
      options: tree,
      ...(resolved ? { resolved } : {}),
      ...(where.guildId ? { guild_id: where.guildId } : {}),
    },
  };
}

/** A click on a button of `message`. */
export function buttonClick(applicationId: string, where: Where, customId: string, message: Record<string, unknown>) {
  return { ...base(3, applicationId, where), data: { custom_id: customId, component_type: 2 }, message };
}
