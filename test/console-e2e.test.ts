import { describe, expect, it } from 'vitest';
import { demoSecrets } from '../src/demo/seed.js';
import { runConsoleProcess } from './support/console-process.js';
import { useFakePlexus } from './support/harness.js';

/** `npm start -- --console` as a user runs it, on a pipe. */
const runConsole = (input: string, env: Record<string, string | undefined>) => runConsoleProcess(input, env, 'info');

const fake = useFakePlexus();

describe('piped console against a Plexus', () => {
  it('lists, summarises, masks, disables for real, and a declined delete changes nothing', async () => {
    const secrets = demoSecrets(fake.gateway.state);
    const input = [
      'providers list',
      'usage summary range=week',
      'keys list',
      'providers disable anthropic',
      'keys delete web-app',
      'no',
      '',
    ].join('\n');
    const r = await runConsole(input, { PLEXUS_BASE_URL: fake.url, PLEXUS_ADMIN_KEY: fake.adminKey });
    expect(r.stderr).not.toContain('stopped');
    expect(r.stdout).toMatch(/Providers \(5\)/);
    expect(r.stdout).toContain('azure-eu');
    expect(r.stdout).toContain('Usage summary: last week');
    expect(r.stdout).toMatch(/Requests:\s+[\d,]+ \([+−]?[\d.]+ %|new\)/);
    expect(r.stdout).toContain('web-app');
    expect(r.stdout).toContain('enabled: yes → no');
    expect(r.stdout).toContain('Type yes to confirm');
    expect(r.stdout).toContain('was cancelled. Nothing was changed.');
    expect(r.code).toBe(0);
    for (const s of secrets) {
      expect(r.stdout).not.toContain(s);
      expect(r.stderr).not.toContain(s);
    }
    expect(r.stderr).not.toContain(fake.adminKey);
    const providers = fake.requests.filter((q) => q.method === 'PATCH');
    expect(providers.map((q) => q.path)).toEqual(['/v0/management/providers/anthropic']);
    expect(fake.requests.some((q) => q.method === 'DELETE')).toBe(false);
  }, 30_000);

  it('exits 1 when a command failed, and keeps going after it', async () => {
    const r = await runConsole('providers get nope\nbogus command\ncooldowns list\n', {
      PLEXUS_BASE_URL: fake.url,
      PLEXUS_ADMIN_KEY: fake.adminKey,
    });
    expect(r.stdout).toContain("Provider 'nope' not found");
    expect(r.stdout).toContain('Unknown command `bogus command`');
    expect(r.stdout).toMatch(/Cooldowns|No provider is in cooldown/);
    expect(r.code).toBe(1);
  }, 30_000);
});

describe('console start-up', () => {
  it('runs on the demo gateway without PLEXUS_BASE_URL and says so in every reply', async () => {
    const r = await runConsole('providers list\nwhoami\n', {});
    expect(r.code).toBe(0);
    expect(r.stdout.match(/Demo gateway: sample data/g)?.length).toBe(2);
  }, 30_000);

  it('stops with one line per configuration problem and status 2', async () => {
    const r = await runConsole('', { PLEXUS_BASE_URL: 'ftp://x', PORT: 'abc', DISCORD_TOKEN: 'secret-token-value' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PLEXUS_BASE_URL: found "ftp://x", expected an http(s) URL');
    expect(r.stderr).toContain('PORT: found "abc", expected a whole number from 1 to 65535');
    expect(r.stderr).not.toContain('secret-token-value');
  }, 30_000);
});
