import { describe, expect, it } from 'vitest';
import { commands } from '../src/commands/index.js';
import { demoSecrets, demoSeed } from '../src/demo/seed.js';
import { renderText } from '../src/render/text.js';
import { startHarness, type Harness } from './support/harness.js';

const ADMIN_KEY = 'admin-key-for-the-secret-scan-0123456789';
const seed = demoSeed(Date.now());
const secrets = [...demoSecrets(seed), ADMIN_KEY];

/**
 * Runs a line with its confirmation. `logs tail` follows the stream until the harness clock says its
 * seconds are up: once the demo has streamed a line and the bot had a moment to read it, that time is made to pass.
 */
async function runExample(h: Harness, line: string) {
  const running = h.runConfirmed(line);
  const seconds = /^logs tail\b.*\bseconds=(\d+)/.exec(line)?.[1];
  if (seconds) {
    const streamed = h.state().systemLogsTotal;
    await expect.poll(() => h.state().systemLogsTotal > streamed && h.clock.pendingTimers > 0, { timeout: 5000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    h.clock.advance(Number(seconds) * 1000);
  }
  return running;
}

/** Every place a secret could leak from one outcome: the rendered text and the raw Reply. */
const surfaces = (o: { reply: unknown }) => [renderText(o.reply as never), JSON.stringify(o.reply)];

describe('seeded secrets never leave Plexus', () => {
  it('has seeded secrets to look for', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    expect(secrets.every((s) => s.length >= 12)).toBe(true);
  });

  // Each command runs against a fresh copy of the seed, so examples may delete what others use.
  it('every command example, in text and --json, with confirmations: no secret in any reply or log line', async () => {
    const ran: string[] = [];
    const logs: string[] = [];
    for (const c of commands) {
      const h = await startHarness({ seed, adminKey: ADMIN_KEY });
      const lines = c.tier === 'read' && c.name !== 'help' ? [c.example!, `${c.example} --json`] : [c.example!];
      for (const line of lines) {
        const o = await runExample(h, line);
        expect(o.status, `${line}: ${renderText(o.reply)}`).toBe('ok');
        if (c.private) expect(o.reply.private, line).toBe(true);
        for (const text of surfaces(o)) for (const s of secrets) expect(text.includes(s), `${line} leaked ${s.slice(0, 6)}…`).toBe(false);
        ran.push(line);
      }
      logs.push(...h.logs);
      await h.close();
    }
    expect(ran.length).toBeGreaterThanOrEqual(commands.length);
    const log = logs.join('\n');
    expect(log).toContain('"audit":true');
    for (const s of secrets) expect(log.includes(s), `log leaked ${s.slice(0, 6)}…`).toBe(false);
  });
});
