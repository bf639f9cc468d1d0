import { describe, expect, it } from 'vitest';
import { T0, useHarness } from './support/harness.js';

const h = useHarness({ fakeFollowsClock: true });

describe('reading provider quotas', () => {
  it('checkers: the configured ones as a table, and the known types', async () => {
    const o = await h.run('quotas checkers');
    expect(h.text(o)).toMatch(/openrouter-credits\s+OpenRouter\s+1\s+ok/);
    expect(h.text(o)).toMatch(/anthropic-claude-code\s+Claude Code\s+2\s+ok/);
    expect(h.text(o)).toContain('30 checker types: naga, synthetic');
    expect(
      h
        .calls()
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/v0/management/quota-checker-types', '/v0/management/quota-checkers']);
  });

  it('list: one bar per meter with utilization, amounts in the meter’s unit, and reset time', async () => {
    const text = h.text(await h.run('quotas list'));
    const credits = h.state().quotaSnapshots.get('openrouter-credits')!.meters[0]!;
    expect(text).toMatch(
      new RegExp(
        `openrouter-credits\\s+Account credits\\s+[█░]{10} ${Math.round(credits.utilizationPercent as number)} %\\s+` +
          `\\$${(credits.used as number).toFixed(2)} of \\$100\\.00`,
      ),
    );
    expect(text).toMatch(/anthropic-claude-code\s+Five-hour window\s+[█░]{10} 81 %.*in 1 h\s+warning/);
    expect(text).toMatch(/Weekly limit .* in 2 d\s+ok/);
  });

  it('get: an unknown checker (Plexus answers 200 with success:false) is reported as unknown', async () => {
    const o = await h.run('quotas get nope');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('No quota checker `nope` is configured.');
    expect(h.text(o)).toContain('Configured: openrouter-credits, anthropic-claude-code.');
    const known = h.text(await h.run('quotas get anthropic-claude-code'));
    expect(known).toContain('Five-hour window (`five_hour`): rolling window of 5 hours');
  });

  it('history: filters by meter and time, draws the trend, pages the readings', async () => {
    const o = await h.run('quotas history anthropic-claude-code meter=five_hour since=6h limit=3');
    const q = new URLSearchParams(h.calls()[0]!.query);
    expect(q.get('meterKey')).toBe('five_hour');
    expect(q.get('since')).toBe(new Date(T0 - 6 * 3_600_000).toISOString());
    const text = h.text(o);
    expect(text).toMatch(/Five-hour window [▁-█]{6} .* \(6 readings\)/);
    expect(text.match(/five_hour\s+[\d.]+ % of 100 %/g)).toHaveLength(3);
    expect(text).toContain('Showing 1–3 of 6. Next page: `quotas history anthropic-claude-code meter=five_hour since=6h limit=3 offset=3`');
    expect(h.text(await h.run('quotas history nope'))).toContain('No quota checker `nope` is configured.');
  });

  it('refuses bad input before any request', async () => {
    expect(h.text(await h.run('quotas get'))).toContain('missing <checkerId>');
    expect(h.text(await h.run('quotas history openrouter-credits since=yesterdayish'))).toContain('since: expected a time such as');
    expect(h.text(await h.run('quotas list all'))).toContain("does not take the extra word 'all'");
    expect(h.calls()).toHaveLength(0);
  });
});

describe('quotas check', () => {
  it('runs the checker now: a fresh reading is recorded and shown', async () => {
    const before = h.state().quotaHistory.length;
    const o = await h.run('quotas check openrouter-credits');
    expect(o.status).toBe('ok');
    expect(h.text(o)).toContain('Quota checker openrouter-credits: checked now');
    expect(h.text(o)).toContain('Checked:  12:00 UTC (just now)');
    expect(h.calls().map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v0/management/quotas/openrouter-credits/check']);
    expect(h.state().quotaHistory.length).toBe(before + 1);
    expect(h.state().quotaSnapshots.get('openrouter-credits')!.checkedAt).toBe(new Date(T0).toISOString());
  });

  it('an unknown checker is the server’s 404 message', async () => {
    const o = await h.run('quotas check nope');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain("Quota checker 'nope' not found");
  });
});
