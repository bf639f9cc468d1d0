import { describe, expect, it } from 'vitest';
import { useHarness } from './support/harness.js';

const h = useHarness({ fakeFollowsClock: true });
const quotas = () => h.fake.gateway.state.userQuotas;

describe('user-quotas list and get', () => {
  it('lists every quota with its limit and the keys that use it', async () => {
    const o = await h.run('user-quotas list');
    expect(o.status).toBe('ok');
    const t = h.text(o);
    expect(t).toMatch(/tokens-rolling-hour\s+rolling\s+tokens\s+60,000 tokens\s+1h\s+web-app, support-bot/);
    expect(t).toMatch(/monthly-cost\s+monthly\s+cost\s+\$25\.00\s+—\s+web-app/);
    expect(t).toMatch(/weekly-tokens\s+weekly\s+tokens\s+5,000,000 tokens\s+—\s+—/);
  });

  it('shows one quota, and a missing one with the server message', async () => {
    const t = h.text(await h.run('user-quotas get monthly-cost'));
    expect(t).toContain('Limit:    $25.00');
    expect(t).toContain('Warn at:  80 %');
    expect(t).toContain('Keys (1): web-app');
    const missing = await h.run('user-quotas get nope');
    expect(missing.status).toBe('error');
    expect(h.text(missing)).toContain('Quota not found: nope');
  });
});

describe('user-quotas set and patch', () => {
  it('creates a quota, then replaces it showing before → after', async () => {
    const o = await h.run('user-quotas set burst-guard type=rolling limitType=requests limit=300 duration=10m');
    expect(o.status).toBe('ok');
    expect(h.text(o)).toContain('User quota burst-guard created');
    expect(quotas()['burst-guard']).toEqual({ type: 'rolling', limitType: 'requests', limit: 300, duration: '10m' });
    const again = await h.run('user-quotas set burst-guard type=daily limitType=requests limit=5000');
    expect(h.text(again)).toContain('type: rolling → daily');
    expect(h.text(again)).toContain('limit: 300 → 5000');
    expect(h.text(again)).toContain('duration: 10m → —');
    expect(quotas()['burst-guard']).toEqual({ type: 'daily', limitType: 'requests', limit: 5000 });
  });

  it('patches one field and shows the change', async () => {
    const o = await h.run('user-quotas patch requests-daily limit=200');
    expect(h.text(o)).toContain('limit: 120 → 200');
    expect(quotas()['requests-daily']?.limit).toBe(200);
    expect(h.calls().map((r) => r.method)).toEqual(['GET', 'PATCH']);
  });

  it('refuses a bad name, a rolling quota without duration and a zero limit before any request', async () => {
    const bad = await h.run('user-quotas set Bad_Name type=daily limitType=requests limit=10');
    expect(h.text(bad)).toContain('a quota name is 2–63 characters: lowercase letters');
    expect(h.text(bad)).toContain('Usage: user-quotas set <name>');
    expect(h.text(await h.run('user-quotas set burst type=rolling limitType=tokens limit=10'))).toContain(
      'a rolling quota needs duration=',
    );
    expect(h.text(await h.run('user-quotas set burst type=daily limitType=tokens limit=0'))).toContain('limit: must be at least 1');
    expect(h.text(await h.run('user-quotas set burst type=hourly limitType=tokens limit=5'))).toContain(
      'expected rolling, daily, weekly or monthly',
    );
    expect(h.text(await h.run('user-quotas patch requests-daily'))).toContain('nothing to change');
    expect(h.calls()).toHaveLength(0);
    expect(quotas().burst).toBeUndefined();
  });

  it("renders Plexus' validation failure with its details", async () => {
    const o = await h.run('user-quotas patch requests-daily type=rolling');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('Validation failed');
    expect(h.text(o)).toMatch(/duration/);
    expect(quotas()['requests-daily']?.type).toBe('daily');
  });
});

describe('user-quotas delete', () => {
  it('names the keys using it, and the 409 reaches the user with them; nothing is deleted', async () => {
    const asked = await h.run('user-quotas delete tokens-rolling-hour');
    expect(asked.status).toBe('pending');
    expect(h.text(asked)).toContain('assigned to keys web-app, support-bot');
    const o = await h.app.pipeline.confirm(asked.confirmationId!, {
      platform: 'console',
      userId: 'alice',
      channelId: 'console',
      groups: [],
    });
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain("Cannot delete quota 'tokens-rolling-hour'. It is assigned to the following keys: web-app, support-bot.");
    expect(h.text(o)).toContain('Nothing was deleted');
    expect(quotas()['tokens-rolling-hour']).toBeDefined();
  });

  it('deletes an unused quota after confirmation', async () => {
    const asked = await h.run('user-quotas delete weekly-tokens');
    expect(h.text(asked)).toContain('No key uses it.');
    expect(h.calls().some((r) => r.method === 'DELETE')).toBe(false);
    const o = await h.runConfirmed('user-quotas delete weekly-tokens');
    expect(o.status).toBe('ok');
    expect(quotas()['weekly-tokens']).toBeUndefined();
  });
});

describe('quota clear', () => {
  it('shows the usage that will be reset, then resets it', async () => {
    const asked = await h.run('quota clear web-app quota=monthly-cost');
    expect(asked.status).toBe('pending');
    const used = /monthly-cost: (\$[\d.,]+) of \$25\.00 used/.exec(h.text(asked))?.[1];
    expect(used).toBeDefined();
    expect(used).not.toBe('$0.00');
    expect(h.text(asked)).not.toContain('tokens-rolling-hour');
    const o = await h.runConfirmed('quota clear web-app quota=monthly-cost');
    expect(h.text(o)).toContain(`monthly-cost: ${used} → $0.00`);
    const post = h.fake.requests.find((r) => r.method === 'POST');
    expect(JSON.parse(post!.body)).toEqual({ key: 'web-app', quota: 'monthly-cost' });
    expect(h.text(await h.run('quota status web-app'))).toMatch(/monthly-cost \(cost\).*\$0\.00/);
  });

  it('refuses an unknown key and a quota the key does not have, before confirming', async () => {
    const unknown = await h.run('quota clear nobody');
    expect(unknown.status).toBe('error');
    expect(h.text(unknown)).toContain('No key named `nobody` exists');
    const other = await h.run('quota clear ci-pipeline quota=monthly-cost');
    expect(h.text(other)).toContain('Quota `monthly-cost` is not attached to key `ci-pipeline`');
    expect(h.text(other)).toContain('Its quotas: requests-daily.');
    expect(h.calls().some((r) => r.method === 'POST')).toBe(false);
    expect(h.text(await h.run('quota clear'))).toContain('missing <key>');
  });
});
