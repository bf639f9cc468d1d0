import { describe, expect, it } from 'vitest';
import { formatNumber } from '../src/render/format.js';
import { consoleAllSlackRead, slackUser, useHarness } from './support/harness.js';

const h = useHarness({ access: consoleAllSlackRead });
const logging = () => h.fake.gateway.state.logging;

describe('logging level', () => {
  it('reads, changes (before → after) and resets the level', async () => {
    expect(h.text(await h.run('logging level'))).toMatch(/Level:\s+info/);
    const set = await h.run('logging level DEBUG');
    expect(h.text(set)).toContain('level: info → debug');
    expect(h.text(set)).toContain('starts at info again after a restart');
    expect(logging().level).toBe('debug');
    expect(JSON.parse(h.fake.requests.find((r) => r.method === 'PUT')!.body)).toEqual({ level: 'debug' });
    const reset = await h.run('logging reset');
    expect(h.text(reset)).toContain('level: debug → info (startup level)');
    expect(logging().level).toBe('info');
  });

  it('refuses an unknown level before any request, and a server 400 reaches the user with its message', async () => {
    const bad = await h.run('logging level loud');
    expect(h.text(bad)).toContain('expected one of error, warn, info, debug, verbose, silly');
    expect(h.calls()).toHaveLength(0);
    h.fake.failNext(
      1,
      400,
      JSON.stringify({
        error: "Invalid log level 'silly'. Supported levels: error, warn, info",
        supportedLevels: ['error', 'warn', 'info'],
      }),
      { method: 'PUT' },
    );
    const refused = await h.run('logging level silly');
    expect(refused.status).toBe('error');
    expect(h.text(refused)).toContain("Invalid log level 'silly'. Supported levels: error, warn, info");
    expect(logging().level).toBe('info');
  });

  it('a reader may see the level but not change it', async () => {
    const reader = slackUser('U0READER');
    expect((await h.run('logging level', reader)).status).toBe('ok');
    const denied = await h.run('logging level debug', reader);
    expect(denied.status).toBe('denied');
    expect(h.text(denied)).toContain('needs the write tier');
    expect(h.calls().some((r) => r.method === 'PUT')).toBe(false);
  });
});

describe('logging modules', () => {
  it('sets the filter from a list or a JSON body, and clears it', async () => {
    expect(h.text(await h.run('logging modules'))).toContain('all modules (no filter)');
    const set = await h.run('logging modules modules=router,cooldown-manager');
    expect(h.text(set)).toContain('modules: all modules (no filter) → router, cooldown-manager');
    expect(logging().modules).toEqual(['router', 'cooldown-manager']);
    await h.run('logging modules {"modules":["quota"]}');
    expect(logging().modules).toEqual(['quota']);
    const cleared = await h.run('logging modules clear');
    expect(h.text(cleared)).toContain('modules: quota → all modules (no filter)');
    expect(logging().modules).toEqual([]);
  });

  it('refuses a malformed body before any request', async () => {
    expect(h.text(await h.run('logging modules {"modules":[1,2]}'))).toContain('modules.0: Invalid input: expected string');
    expect(h.text(await h.run('logging modules {"levels":["x"]}'))).toContain('unknown option levels=');
    expect(h.calls()).toHaveLength(0);
  });
});

describe('logs reset', () => {
  it('counts what goes, then deletes usage, errors, debug traces and MCP logs but keeps the config', async () => {
    const s = h.fake.gateway.state;
    const counts = [s.usage.length, s.errors.length, s.debugLogs.length, s.mcpLogs.length];
    expect(counts.every((n) => n > 0)).toBe(true);
    const providers = Object.keys(s.providers).length;
    const asked = await h.run('logs reset');
    expect(asked.status).toBe('pending');
    const t = h.text(asked);
    expect(t).toContain(`${formatNumber(counts[0])} usage records`);
    expect(t).toContain(`${formatNumber(counts[1])} inference errors`);
    expect(t).toContain(`${formatNumber(counts[2])} debug traces`);
    expect(t).toContain(`${formatNumber(counts[3])} MCP call records`);
    expect(h.calls().some((r) => r.method === 'DELETE')).toBe(false);
    const o = await h.runConfirmed('logs reset');
    expect(o.status).toBe('ok');
    expect([s.usage.length, s.errors.length, s.debugLogs.length, s.mcpLogs.length]).toEqual([0, 0, 0, 0]);
    expect(Object.keys(s.providers)).toHaveLength(providers);
  });
});
