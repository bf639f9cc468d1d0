import { describe, expect, it } from 'vitest';
import { demoSecrets } from '../src/demo/seed.js';
import { runConsoleProcess } from './support/console-process.js';
import { useFakePlexus } from './support/harness.js';

/** `npm start -- --console` on a pipe, against the fake Plexus. */
const runConsole = (input: string, env: Record<string, string>) => runConsoleProcess(input, env, 'warn');

const fake = useFakePlexus();

describe('piped console: help and the OpenAPI passthrough', () => {
  it('shows help, lists operations, calls one, and a declined destructive call sends nothing', async () => {
    const input = [
      'help',
      'api list cooldowns',
      'api call getV0ManagementCooldowns',
      'api call deleteV0ManagementCooldowns',
      'no',
      '',
    ].join('\n');
    const r = await runConsole(input, { PLEXUS_BASE_URL: fake.url, PLEXUS_ADMIN_KEY: fake.adminKey });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^providers:\s+list, get/m);
    expect(r.stdout).toMatch(/^api:\s+list, describe, call$/m);
    expect(r.stdout).toContain('Management — Cooldowns (3)');
    expect(r.stdout).toMatch(/getV0ManagementCooldowns\s+GET cooldowns\s+read/);
    expect(r.stdout).toContain('api call: getV0ManagementCooldowns');
    expect(r.stdout).toContain('"provider": "groq"');
    expect(r.stdout).toContain('GET /v0/management/cooldowns → HTTP 200');
    expect(r.stdout).toContain('It sends `DELETE /v0/management/cooldowns`');
    expect(r.stdout).toContain('`api call` was cancelled. Nothing was changed.');
    expect(fake.requests.filter((q) => q.path === '/.well-known/plexus/openapi.json')).toHaveLength(1);
    expect(fake.requests.some((q) => q.method === 'DELETE')).toBe(false);
    for (const s of [...demoSecrets(fake.gateway.state), fake.adminKey]) {
      expect(r.stdout).not.toContain(s);
      expect(r.stderr).not.toContain(s);
    }
  }, 30_000);
});
