import { describe, expect, it } from 'vitest';
import { commands } from '../src/commands/index.js';
import { slackUser, useHarness } from './support/harness.js';

const h = useHarness({
  access: [
    { platform: 'console', tier: 'destructive' },
    { platform: 'slack', channels: ['C0LLMOPS'], tier: 'read' },
  ],
});

const reader = slackUser('U0READER', 'C0LLMOPS');
const nobody = slackUser('U0READER', 'C0RANDOM');
const areas = [...new Set(commands.map((c) => c.words[0]!))];

const overviewLines = (out: string) => out.split('\n').filter((l) => /^[a-z-]+:\s/.test(l));

describe('help', () => {
  it('lists every area on one line with its actions', async () => {
    const o = await h.run('help');
    expect(o.status).toBe('ok');
    const out = h.text(o);
    expect(out).toContain('You have the destructive tier here');
    expect(out).toMatch(/^providers:\s+list, get, .*delete/m);
    expect(out).toMatch(/^cooldowns:\s+list, clear, clear-all$/m);
    expect(out).toMatch(/^api:\s+list, describe, call$/m);
    expect(out).toMatch(/^logs:\s+.*tail/m);
    expect(overviewLines(out).map((l) => l.split(':')[0])).toEqual(areas);
    expect(out).toContain('`help <area>` lists its commands with an example each');
    expect(out).not.toContain('more command');
  });

  it('shows a reader only what the read tier allows, and says how much is hidden', async () => {
    const out = h.text(await h.run('help', reader));
    expect(out).toContain('You have the read tier here');
    expect(out).toMatch(/^cooldowns:\s+list$/m);
    expect(out).toMatch(/^providers:\s+list, get$/m);
    expect(out).not.toMatch(/delete|clear-all/);
    const hidden = commands.filter((c) => c.tier !== 'read').length;
    expect(out).toContain(`${hidden} more commands need the write or destructive tier, which you do not have here.`);
  });

  it('tells someone without access how access is granted', async () => {
    const o = await h.run('help', nobody);
    expect(o.status).toBe('denied');
    expect(h.text(o)).toContain('you have no access in this channel');
    expect(h.text(o)).toContain('plexus-bot.yml');
  });

  it('help <area> gives each command the caller may run with its tier and an example', async () => {
    const out = h.text(await h.run('help providers'));
    expect(out).toMatch(/providers list \(read\):\s+List providers/);
    expect(out).toMatch(/e\.g\. providers get openai/);
    expect(out).toMatch(/providers delete \(destructive\):/);
    const read = h.text(await h.run('help providers', reader));
    expect(read).toContain('providers get (read)');
    expect(read).not.toContain('providers delete');
    expect(read).toMatch(/\d+ more commands? needs? the write or destructive tier/);
    expect(h.text(await h.run('help api'))).toMatch(/api call \(read\+\):/);
  });

  it('help <area> <action> shows usage, tier, API calls and the example', async () => {
    const out = h.text(await h.run('help providers delete'));
    expect(out).toContain('Usage:    providers delete <slug> [--cascade]');
    expect(out).toContain('Tier:     destructive (asks for confirmation)');
    expect(out).toContain('DELETE /v0/management/providers/{slug}');
    expect(out).toContain('Example:  providers delete openai --cascade');
    expect(h.text(await h.run('help providers delete', reader))).toContain('You cannot run this here: it needs the destructive tier.');
    const tail = h.text(await h.run('help logs tail'));
    expect(tail).toContain('API call: GET /v0/system/logs/stream');
    expect(tail).toContain('Example:  logs tail seconds=1');
    expect(h.text(await h.run('help api call'))).toContain('Tier:     read or more, depending on the use');
  });

  it('answers an unknown word with the closest commands the caller may run', async () => {
    const o = await h.run('help provders lst');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('No help for `provders lst`');
    expect(h.text(o)).toContain('Closest: `providers list`');
    const read = h.text(await h.run('help cooldowns clear-al', reader));
    expect(read).toContain('Closest: `cooldowns list`');
    expect(read).not.toContain('clear-all');
  });
});
