import { describe, expect, it } from 'vitest';
import type { DeliveryStep } from '../src/watch/delivery.js';
import { useCleanups } from './support/cleanups.js';
import { ALERTS, idOf, LEASE_MS, TARGET, until, watchWorld, type Alert, type World } from './support/watch-world.js';

const cleanup = useCleanups();

/**
 * A bot stops at `step` of its first delivery there and is killed with
 * SIGKILL; a new bot starts on the same state; the cooldowns end. Returns
 * the alert the killed bot was delivering (for an edit: whose message) and
 * when the kill happened.
 */
async function crashAt(w: World, step: DeliveryStep): Promise<{ alert: Alert; killedAt: number }> {
  const first = w.bot({ STOP_AT: step });
  if (step === 'edited') {
    // Edits come from the cooldowns ending, once every alert is posted.
    await until('every alert is posted and recorded', () => w.allRecorded());
    w.clearCooldowns();
  }
  const stopped = await first.waitFor(/^stopped /);
  await first.kill();
  const killedAt = Date.now();
  const ref = stopped.split(' ')[2]!;
  let alert = ALERTS.find((a) => ref.startsWith(`post:${idOf(a)}@`));
  if (step === 'edited') for (const a of ALERTS) if ((await w.record(a))?.messages[TARGET]?.messageId === ref) alert = a;
  expect(alert).toBeDefined();

  const second = w.bot();
  await until('every alert is posted and recorded', () => w.allRecorded());
  w.clearCooldowns();
  await until('every recorded message shows its alert resolved', () => w.allResolved());
  second.send('stop');
  expect(await second.exited).toEqual({ code: 0, signal: null });
  return { alert: alert!, killedAt };
}

describe('a bot killed at each step of a delivery', () => {
  for (const step of ['queued', 'claimed', 'recorded', 'edited'] as const) {
    it(`killed at "${step}": after a restart every alert is posted exactly once and shows resolved`, async () => {
      const w = await watchWorld(cleanup);
      const { alert, killedAt } = await crashAt(w, step);
      for (const a of ALERTS) expect(w.posts(a), a.provider).toHaveLength(1);
      if (step === 'claimed') {
        // The dead bot's claim held until its lease ran out; then the new bot posted.
        expect(w.posts(alert)[0]!.at - killedAt).toBeGreaterThanOrEqual(LEASE_MS - 500);
      }
    }, 60_000);
  }

  it('killed after the platform took a post, before it was recorded (the window left): posted again once the lease ran out', async () => {
    const w = await watchWorld(cleanup);
    const { alert, killedAt } = await crashAt(w, 'posted');
    for (const a of ALERTS) expect(w.posts(a), a.provider).toHaveLength(a === alert ? 2 : 1);
    expect(w.posts(alert)[1]!.at - killedAt).toBeGreaterThanOrEqual(LEASE_MS - 500);
  }, 60_000);
});
