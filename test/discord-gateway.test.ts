import { Events } from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDiscord } from '../adapters/discord/index.js';
import { canonCommand, syncCommands } from '../adapters/discord/register.js';
import { reply, table, text } from '../src/render/reply.js';
import { slashCommand, type OptionInput, type Where } from './fakes/discord-payloads.js';
import { startDiscordHarness, type DiscordHarness } from './fakes/discord-harness.js';
import { commandProblems } from './fakes/discord-validate.js';

let h: DiscordHarness;
beforeAll(async () => {
  h = await startDiscordHarness({ discord: { autocompleteWaitMs: 300 } });
});
afterAll(() => h?.close());
beforeEach(() => h.fresh());

const guildScope = () => `guild:${h.discord.guild.id}`;
const puts = () => h.discord.calls.filter((c) => c.method === 'PUT' && c.path.includes('/commands'));

describe('start', () => {
  it('logs in over the gateway and reaches ready', () => {
    expect(h.bot.client.isReady()).toBe(true);
    expect(h.bot.client.user?.id).toBe(h.discord.applicationId);
    expect(h.discord.gateway.stats.identifies).toBe(1);
    expect(h.discord.calls[0]).toMatchObject({ method: 'GET', path: '/gateway/bot', status: 200 });
  });

  it('registers /plexus in the guild, within Discord limits, and skips it when unchanged', async () => {
    expect(puts()).toHaveLength(1);
    expect(puts()[0]?.status).toBe(200);
    const stored = h.discord.rest.commandList(guildScope());
    expect(stored.map((c) => c.name)).toEqual(['plexus']);
    expect(commandProblems(stored[0])).toEqual([]);
    expect(canonCommand(stored[0] as never)).toBe(canonCommand(h.bot.definition.json));

    const rest = h.bot.client.rest;
    const opts = { applicationId: h.discord.applicationId, guildId: h.discord.guild.id, command: h.bot.definition.json };
    expect(await syncCommands(rest, opts)).toBe('unchanged');
    expect(puts()).toHaveLength(1);

    // Another command of the application survives an update of ours.
    h.discord.rest.commands.set(guildScope(), [...stored, { id: '1', name: 'ping', description: 'Ping', type: 1, options: [] }]);
    const changed = { ...h.bot.definition.json, description: 'Manage Plexus' };
    expect(await syncCommands(rest, { ...opts, command: changed })).toBe('updated');
    expect(puts()).toHaveLength(2);
    expect(
      h.discord.rest
        .commandList(guildScope())
        .map((c) => c.name)
        .sort(),
    ).toEqual(['ping', 'plexus']);
    expect(await syncCommands(rest, opts)).toBe('updated');
  });

  it('refuses to start with a token Discord rejects', async () => {
    const config = { ...h.config, discord: { ...h.config.discord!, token: 'not-the-token' } };
    await expect(startDiscord({ app: h.plexus.app, config, logger: h.plexus.logger, readyTimeoutMs: 3000 })).rejects.toThrow();
  });
});

describe('autocomplete', () => {
  const complete = async (where: Where, path: string[], options: OptionInput[]) => {
    const p = h.discord.interact(slashCommand(h.discord.applicationId, h.discord.commandId, where, path, options, undefined, 4));
    await h.finished(p.id);
    const [answer] = h.sent(p.id);
    expect(answer?.via).toBe('choices');
    expect(answer?.status).toBe(204);
    return { at: h.discord.callsOf(p.id)[0]!.at, choices: (answer!.body.choices as { name: string; value: string }[]).map((c) => c.value) };
  };

  it('offers live provider slugs matching what was typed', async () => {
    const { choices } = await complete(h.at('carol'), ['providers', 'get'], [{ name: 'slug', type: 3, value: 'OPEN', focused: true }]);
    expect(choices).toEqual(['openai', 'openrouter']);
    // Names that start with the text come first, then names that hold it.
    const some = await complete(h.at('carol'), ['providers', 'get'], [{ name: 'slug', type: 3, value: 'o', focused: true }]);
    expect(some.choices).toEqual(['openai', 'openrouter', 'anthropic', 'groq']);
  });

  it('offers key names and command lines in run', async () => {
    const keys = await complete(h.at('alice'), ['quota', 'status'], [{ name: 'key', type: 3, value: '', focused: true }]);
    expect(keys.choices).toContain('web-app');
    expect(keys.choices.length).toBeLessThanOrEqual(25);
    const lines = await complete(h.at('alice'), ['run'], [{ name: 'command', type: 3, value: 'providers dis', focused: true }]);
    expect(lines.choices).toEqual(['providers disable']);
    const args = await complete(h.at('alice'), ['run'], [{ name: 'command', type: 3, value: 'providers get an', focused: true }]);
    expect(args.choices).toEqual(['providers get anthropic']);
  });

  it('answers in time from what it has when Plexus is slow', async () => {
    h.plexus.fake.delay(10_000, { path: /user-quotas$/ });
    const { choices } = await complete(h.at('alice'), ['user-quotas', 'get'], [{ name: 'name', type: 3, value: '', focused: true }]);
    // Answered from the (empty) cache while Plexus still holds the request.
    expect(h.plexus.fake.requests.filter((r) => /user-quotas$/.test(r.path))).toHaveLength(1);
    expect(h.plexus.fake.inFlight).toBeGreaterThan(0);
    expect(choices).toEqual([]);
  });

  it('offers nothing to someone without access', async () => {
    const { choices } = await complete(h.at('dave'), ['providers', 'get'], [{ name: 'slug', type: 3, value: '', focused: true }]);
    expect(choices).toEqual([]);
  });
});

describe('gateway', () => {
  it('survives a disconnect by resuming, and answers the next command', async () => {
    const resumed = new Promise<void>((resolve) => h.bot.client.once(Events.ShardResume, () => resolve()));
    h.discord.gateway.disconnect(4000);
    // Sent while the bot is away: replayed on resume, not lost.
    const p = h.discord.interact(slashCommand(h.discord.applicationId, h.discord.commandId, h.at('carol'), ['whoami']));
    await resumed;
    expect(h.discord.gateway.stats.resumes).toBe(1);
    expect(h.discord.gateway.stats.identifies).toBe(1);
    await h.finished(p.id);
    const { sent } = await h.slash(h.at('carol'), ['providers', 'list']);
    expect(sent.at(-1)?.text).toContain('openai');
  });
});

describe('channel poster', () => {
  const channel = () => h.discord.guild.channels[0]!.id;

  it('posts and updates alerts as embeds', async () => {
    const since = h.discord.calls.length;
    const { messageId } = await h.bot.poster.post(
      channel(),
      reply({
        title: 'groq in cooldown',
        severity: 'warning',
        blocks: [text('4 failures'), table(['model', 'left'], [['llama', '17 min']])],
      }),
    );
    const posted = h.discord.rest.messages.get(messageId)!;
    expect(posted.channel_id).toBe(channel());
    expect(JSON.stringify(posted.embeds)).toContain('groq in cooldown');
    await h.bot.poster.update(channel(), messageId, reply({ title: 'groq recovered', severity: 'success', blocks: [] }));
    expect(JSON.stringify(h.discord.rest.messages.get(messageId)!.embeds)).toContain('groq recovered');
    const toChannels = h.discord.calls.slice(since).filter((c) => c.path.startsWith('/channels/'));
    expect(toChannels.map((c) => `${c.method} ${c.status}`)).toEqual(['POST 200', 'PATCH 200']);
  });

  it('uploads a file with the message, and never posts a private reply', async () => {
    const { messageId } = await h.bot.poster.post(
      channel(),
      reply({
        title: 'Digest',
        blocks: [text('attached')],
        file: { name: 'digest.csv', content: Buffer.from('a,b\n1,2\n'), contentType: 'text/csv' },
      }),
    );
    expect(h.discord.rest.messages.get(messageId)!.attachments).toMatchObject([{ filename: 'digest.csv', size: 8 }]);
    await expect(h.bot.poster.post(channel(), reply({ private: true, blocks: [text('secret')] }))).rejects.toThrow(/private/);
  });
});
