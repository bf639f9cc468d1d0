import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { args } from '../src/core/args.js';
import { defineCommand } from '../src/core/command.js';
import { Pipeline } from '../src/core/pipeline.js';
import { Registry } from '../src/core/registry.js';
import { reply, text } from '../src/render/reply.js';
import { slackUser, useHarness } from './support/harness.js';

// A command whose tier depends on its arguments: reads without a value, writes with one, destroys with --wipe.
let runs: string[] = [];
const setting = defineCommand({
  words: ['setting'],
  summary: 'Show or change a setting.',
  tier: 'read',
  args: args({ value: z.string().optional(), wipe: z.boolean().default(false) }),
  calls: [],
  tierFor: ({ args: a }) => (a.wipe ? 'destructive' : a.value === undefined ? 'read' : 'write'),
  run: async ({ args: a }) => {
    runs.push(a.wipe ? 'wipe' : (a.value ?? 'show'));
    return reply({ blocks: [text('done')] });
  },
});

const h = useHarness();
let pipeline: Pipeline;
beforeEach(() => {
  pipeline = new Pipeline(
    h.app.deps,
    new Registry([setting]),
    {
      rules: [
        { platform: 'slack', tier: 'read' },
        { platform: 'slack', users: ['U0WRITER'], tier: 'write' },
      ],
    },
    { confirmTtlSeconds: 60 },
  );
});

describe('tierFor: the tier of this use of a command', () => {
  it('lets a reader read but not write, and says which tier the write needs', async () => {
    runs = [];
    expect((await pipeline.handle({ actor: slackUser('U0READER'), text: 'setting' })).status).toBe('ok');
    const denied = await pipeline.handle({ actor: slackUser('U0READER'), text: 'setting value=5' });
    expect(denied.status).toBe('denied');
    expect(h.text(denied)).toContain('needs the write tier');
    expect(runs).toEqual(['show']);
  });

  it('asks for confirmation when this use is destructive, and audits it with that tier', async () => {
    runs = [];
    const writer = slackUser('U0WRITER');
    expect((await pipeline.handle({ actor: writer, text: 'setting value=5' })).status).toBe('ok');
    const wipe = await pipeline.handle({ actor: writer, text: 'setting --wipe' });
    expect(wipe.status).toBe('denied');
    expect(h.text(wipe)).toContain('needs the destructive tier');
    const admin = new Pipeline(
      h.app.deps,
      new Registry([setting]),
      { rules: [{ platform: '*', tier: 'destructive' }] },
      { confirmTtlSeconds: 60 },
    );
    const asked = await admin.handle({ actor: writer, text: 'setting --wipe' });
    expect(asked.status).toBe('pending');
    expect(runs).toEqual(['5']);
    await admin.confirm(asked.confirmationId!, writer);
    expect(runs).toEqual(['5', 'wipe']);
    const audits = h.logs.map((l) => JSON.parse(l)).filter((l) => l.audit && l.command === 'setting --wipe' && l.outcome === 'ok');
    expect(audits).toHaveLength(1);
    expect(audits[0].tier).toBe('destructive');
  });
});
