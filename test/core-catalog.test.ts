import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { help } from '../src/commands/help.js';
import { args } from '../src/core/args.js';
import { catalog } from '../src/core/catalog.js';
import { defineCommand, type Command } from '../src/core/command.js';
import { reply } from '../src/render/reply.js';
import { renderText } from '../src/render/text.js';

// Reads without a value, writes with one: each call carries the tier of the uses that make it.
const level = defineCommand({
  words: ['level'],
  summary: 'Show or set the level.',
  tier: 'read',
  tierFor: ({ args: a }) => (a.value === undefined ? 'read' : 'write'),
  args: args({ value: z.string().optional() }),
  calls: [
    { method: 'GET', path: '/v0/management/level' },
    { method: 'PUT', path: '/v0/management/level', tier: 'write' },
  ],
  run: async () => reply(),
});
const none = defineCommand({ words: ['none'], summary: 'No call.', tier: 'read', args: args({}), calls: [], run: async () => reply() });

describe('catalog', () => {
  it('lists each method of a command with the tier its uses need', () => {
    expect(catalog([level, none] as Command[])).toEqual([
      { command: 'level', tier: 'read', private: false, method: 'GET', path: '/v0/management/level' },
      { command: 'level', tier: 'write', private: false, method: 'PUT', path: '/v0/management/level' },
      { command: 'none', tier: 'read', private: false, method: null, path: null },
    ]);
  });

  it('help names the tier of a call that needs more than the command', async () => {
    const out = await help.run({
      args: { topic: 'level' },
      commands: [level] as Command[],
      can: () => true,
    } as never);
    const t = renderText(out);
    expect(t).toContain('GET /v0/management/level, PUT /v0/management/level (write)');
    expect(t).toContain('read, more for some uses (see API call)');
  });
});
