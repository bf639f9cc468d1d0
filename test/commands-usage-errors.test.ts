import { describe, expect, it } from 'vitest';
import { T0, useHarness } from './support/harness.js';

const DAY = 86_400_000;
// The fake's clock is the bot's clock, so "older than N days" means the same on both sides.
const h = useHarness({ fakeFollowsClock: true });
const deletes = () => h.fake.requests.filter((r) => r.method === 'DELETE');
const byNewest = () => [...h.state().usage].sort((a, b) => b.startTime - a.startTime);
const newestUsage = () => byNewest()[0]!;

describe('usage delete', () => {
  it('names the record that will go, deletes only after confirmation, and the record is gone', async () => {
    const target = newestUsage();
    const asked = await h.run('usage delete latest');
    expect(asked.status).toBe('pending');
    expect(h.text(asked)).toContain(`Usage record \`${target.requestId}\` will be deleted`);
    expect(h.text(asked)).toContain(`key ${target.apiKey}`);
    expect(deletes()).toHaveLength(0);

    // A newer record arriving before the confirmation does not change what is deleted.
    h.state().usage.push({
      ...target,
      requestId: 'aaaaaaaa-0000-4000-8000-000000000001',
      startTime: target.startTime + 1000,
      date: new Date(target.startTime + 1000).toISOString(),
    });
    const done = await h.app.pipeline.confirm(asked.confirmationId!, {
      platform: 'console',
      userId: 'alice',
      channelId: 'console',
      groups: [],
    });
    expect(done.status).toBe('ok');
    expect(deletes().map((r) => r.path)).toEqual([`/v0/management/usage/${target.requestId}`]);
    expect(h.state().usage.some((u) => u.requestId === target.requestId)).toBe(false);
    expect(h.state().usage.some((u) => u.requestId === 'aaaaaaaa-0000-4000-8000-000000000001')).toBe(true);
  });

  it('takes the 8-character prefix that usage list shows', async () => {
    const target = byNewest()[10]!;
    const list = h.text(await h.run('usage list limit=20'));
    expect(list).toContain(target.requestId.slice(0, 8));
    const done = await h.runConfirmed(`usage delete ${target.requestId.slice(0, 8)}`);
    expect(done.status).toBe('ok');
    expect(h.state().usage.some((u) => u.requestId === target.requestId)).toBe(false);
  });

  it('refuses an id that matches nothing, without deleting anything', async () => {
    const o = await h.run('usage delete ffffffff-ffff-4fff-8fff-ffffffffffff');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('No usage record has the request id `ffffffff-ffff-4fff-8fff-ffffffffffff`');
    const twin = newestUsage();
    for (const id of ['abcdabcd-0000-4000-8000-000000000001', 'abcdabcd-0000-4000-8000-000000000002'])
      h.state().usage.push({ ...twin, requestId: id });
    const ambiguous = await h.run('usage delete abcdabcd');
    expect(h.text(ambiguous)).toContain('`abcdabcd` matches 2 usage records');
    expect(deletes()).toHaveLength(0);
  });

  it('shows the server refusal in its own words', async () => {
    h.fake.failNext(1, 403, JSON.stringify({ error: { message: 'Admin privileges required', type: 'forbidden', code: 403 } }), {
      method: 'DELETE',
    });
    const o = await h.runConfirmed('usage delete latest');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('Plexus refused the request');
    expect(h.text(o)).toContain('Admin privileges required');
  });
});

describe('usage prune', () => {
  it('counts what is older than N days, and after confirmation nothing that old is left', async () => {
    const cutoff = T0 - 14 * DAY;
    const older = h.state().usage.filter((u) => u.startTime < cutoff).length;
    expect(older).toBeGreaterThan(100);
    const asked = await h.run('usage prune 14');
    expect(h.text(asked)).toContain(
      `${older.toLocaleString('en-US')} usage records older than 14 days (before 2026-11-12 12:00 UTC) will be deleted`,
    );
    expect(deletes()).toHaveLength(0);
    const count = h.fake.requests.find((r) => r.method === 'GET')!;
    expect(new URLSearchParams(count.query).get('endDate')).toBe(new Date(cutoff).toISOString());

    const done = await h.app.pipeline.confirm(asked.confirmationId!, {
      platform: 'console',
      userId: 'alice',
      channelId: 'console',
      groups: [],
    });
    expect(h.text(done)).toContain(`${older.toLocaleString('en-US')} usage records deleted`);
    expect(deletes().map((r) => `${r.path}?${r.query}`)).toEqual(['/v0/management/usage?olderThanDays=14']);
    expect(h.state().usage.filter((u) => u.startTime < cutoff)).toHaveLength(0);
    expect(h.state().usage.length).toBeGreaterThan(0);
  });

  it('refuses a missing or bad number of days before any request', async () => {
    expect(h.text(await h.run('usage prune'))).toContain('missing <days>');
    expect(h.text(await h.run('usage prune 0'))).toContain('days: must be at least 1');
    expect(h.text(await h.run('usage prune soon'))).toContain('days: expected a whole number');
    expect(h.calls()).toHaveLength(0);
  });
});

describe('errors delete and clear', () => {
  it('deletes one error by the prefix errors list shows', async () => {
    const list = h.text(await h.run('errors list limit=1'));
    const newest = h.state().errors[h.state().errors.length - 1]!;
    expect(list).toContain(newest.requestId.slice(0, 8));
    const asked = await h.run(`errors delete ${newest.requestId.slice(0, 8)}`);
    expect(h.text(asked)).toContain(`The error of request \`${newest.requestId}\` will be deleted`);
    expect(h.text(asked)).toContain(newest.errorMessage.slice(0, 40));
    await h.app.pipeline.confirm(asked.confirmationId!, { platform: 'console', userId: 'alice', channelId: 'console', groups: [] });
    expect(deletes().map((r) => r.path)).toEqual([`/v0/management/errors/${newest.requestId}`]);
    expect(h.state().errors.some((e) => e.requestId === newest.requestId)).toBe(false);
  });

  it('refuses a malformed id before any request', async () => {
    const o = await h.run('errors delete ab');
    expect(h.text(o)).toContain('expected a request id (at least 4 characters of it) or "latest"');
    expect(h.calls()).toHaveLength(0);
  });

  it('clear says how many errors exist, and afterwards there are none', async () => {
    const n = h.state().errors.length;
    expect(n).toBeGreaterThan(0);
    const asked = await h.run('errors clear');
    expect(h.text(asked)).toContain(`All ${n} recorded errors will be deleted`);
    expect(deletes()).toHaveLength(0);
    const done = await h.app.pipeline.confirm(asked.confirmationId!, {
      platform: 'console',
      userId: 'alice',
      channelId: 'console',
      groups: [],
    });
    expect(h.text(done)).toContain(`${n} recorded errors deleted`);
    expect(h.state().errors).toHaveLength(0);
    expect(h.text(await h.run('errors list'))).toContain('No inference errors recorded.');
    expect(h.text(await h.run('errors delete latest'))).toContain('There is no error yet');
  });
});
