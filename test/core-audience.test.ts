import { describe, expect, it } from 'vitest';
import { visibilityOf } from '../adapters/discord/visibility.js';
import type { Actor } from '../src/core/actor.js';
import { args } from '../src/core/args.js';
import { defineCommand } from '../src/core/command.js';
import { Pipeline } from '../src/core/pipeline.js';
import { Registry } from '../src/core/registry.js';
import { reply, text } from '../src/render/reply.js';
import { renderText } from '../src/render/text.js';
import { useHarness } from './support/harness.js';

const channel = 'C1';
const h = useHarness({
  access: [
    { platform: 'discord', channels: [channel], roles: ['ops'], tier: 'destructive' },
    { platform: 'discord', channels: [channel], tier: 'read' },
  ],
});
const admin: Actor = { platform: 'discord', userId: 'u1', channelId: channel, groups: ['ops'] };
const reader: Actor = { ...admin, userId: 'u2', groups: [] };

const decide = async (line: string, actor = admin) => (await h.app.pipeline.prepare({ actor, text: line })).decision;
const v = async (line: string, actor = admin) => visibilityOf(await decide(line, actor));

describe('who sees the answer, decided before anything runs', () => {
  it('keeps reads, secrets, refusals and mistakes with the caller; shows changes to the channel', async () => {
    expect(await v('providers list')).toMatchObject({ ephemeral: true, why: 'read' });
    expect(await v('providers list --public')).toMatchObject({ ephemeral: false, why: 'public-read' });
    expect(await v('providers disable openai')).toMatchObject({ ephemeral: false, why: 'change' });
    expect(await v('providers delete openai')).toMatchObject({ ephemeral: false, why: 'change' });
    expect(await v('keys create ci')).toMatchObject({ ephemeral: true, why: 'private' });
    expect(await v('keys set ci secret=sk-abcdef0123456789')).toMatchObject({ ephemeral: true });
    expect(await v('providers patch openai api_key=sk-abcdef0123456789')).toMatchObject({ ephemeral: true, why: 'secret' });
    expect(await v('providers disable openai', reader)).toMatchObject({ ephemeral: true, why: 'refused' });
    expect(await v('provdrs lst')).toMatchObject({ ephemeral: true, why: 'unknown' });
    expect(await v('keys create "unclosed')).toMatchObject({ ephemeral: true, why: 'unparsed' });
    expect(await v('config cooldown')).toMatchObject({ ephemeral: true, why: 'read' });
    expect(await v('config cooldown initialMinutes=2')).toMatchObject({ ephemeral: false, why: 'change' });
    expect(await v('providers get')).toMatchObject({ ephemeral: true, why: 'invalid' });
    expect(await v('alerts snooze 3f2a9c1b7d40 4')).toMatchObject({ ephemeral: true, why: 'quiet' });
  });

  it('says the tier of this use and whether it asks first, and reads nothing from Plexus to decide', async () => {
    expect(await decide('providers list')).toMatchObject({ audience: 'requester', tier: 'read', confirm: false });
    expect(await decide('config cooldown initialMinutes=2')).toMatchObject({ audience: 'channel', tier: 'write', confirm: false });
    expect(await decide('providers delete openai')).toMatchObject({ audience: 'channel', tier: 'destructive', confirm: true });
    expect(await decide('keys create ci')).toMatchObject({ audience: 'private', tier: 'write' });
    expect(await decide('providers disable openai', reader)).toMatchObject({ audience: 'requester', confirm: false });
    expect(h.calls()).toHaveLength(0);
  });

  it('narrows after the outcome: failures and prompts go back to the requester, private replies stay private', async () => {
    const run = (line: string, actor = admin) => h.app.pipeline.handle({ actor, text: line });
    expect((await run('providers list')).audience).toBe('requester');
    expect((await run('providers list --public')).audience).toBe('channel');
    expect((await run('providers disable openai')).audience).toBe('channel');
    expect((await run('providers enable openai')).audience).toBe('channel');
    expect((await run('providers delete openai')).audience).toBe('requester');
    expect((await run('providers get nope --public')).audience).toBe('requester');
    expect((await run('providers disable openai', reader)).audience).toBe('requester');
    const secret = await run('providers patch nope api_key=sk-abcdef0123456789 --public');
    expect(secret.audience).toBe('private');
    expect(secret.reply.private).toBe(true);
  });

  it('tells the progress callback where updates go: the decided audience, private ones to the requester', async () => {
    const talker = defineCommand({
      words: ['talk'],
      summary: 'Says two things while running.',
      tier: 'read',
      args: args({}),
      calls: [],
      run: async (ctx) => {
        await ctx.progress(reply({ blocks: [text('one')] }));
        await ctx.progress(reply({ private: true, blocks: [text('two')] }));
        return reply({ blocks: [text('done')] });
      },
    });
    const pipeline = new Pipeline(h.app.deps, new Registry([talker]), { rules: null }, { confirmTtlSeconds: 60 });
    const console: Actor = { platform: 'console', userId: 'alice', channelId: 'console', groups: [] };
    for (const [line, first] of [
      ['talk', 'requester'],
      ['talk --public', 'channel'],
    ] as const) {
      const seen: string[] = [];
      const prepared = await pipeline.prepare({ actor: console, text: line });
      const out = await pipeline.run(prepared, {
        progress: (u, audience) => void seen.push(`${renderText(u).split(' ').at(-1)}:${audience}`),
      });
      expect(out.audience).toBe(first);
      expect(seen).toEqual([`one:${first}`, 'two:private']);
    }
  });
});
