import { GuildMember, type Interaction } from 'discord.js';
import type { Actor } from '../../src/core/actor.js';

/** Role ids of the member (with @everyone), whether discord.js cached the guild (GuildMember) or not (raw API member). */
function roleIds(interaction: Interaction): string[] {
  const member = interaction.member;
  if (!member) return [];
  const ids = member instanceof GuildMember ? [...member.roles.cache.keys()] : Array.isArray(member.roles) ? [...member.roles] : [];
  // The @everyone role has the guild's id; discord.js lists it only for cached guilds.
  if (interaction.guildId) ids.push(interaction.guildId);
  return [...new Set(ids)];
}

/** Who clicked or typed, from where: the user id, the channel id (`dm` outside a guild) and the member's role ids. */
export function actorFrom(interaction: Interaction): Actor {
  const inGuild = Boolean(interaction.guildId);
  const member = interaction.member;
  const nick = member instanceof GuildMember ? member.displayName : (member as { nick?: string | null } | null)?.nick;
  return {
    platform: 'discord',
    userId: interaction.user.id,
    channelId: inGuild && interaction.channelId ? interaction.channelId : 'dm',
    groups: inGuild ? roleIds(interaction) : [],
    displayName: nick || interaction.user.globalName || interaction.user.username,
  };
}
