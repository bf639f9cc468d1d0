import { describe, expect, it } from 'vitest';
import { parsePrometheus } from '../src/plexus/prometheus-text.js';
import { formatNumber } from '../src/render/format.js';
import { T0 as T, useHarness } from './support/harness.js';

const h = useHarness({ fakeFollowsClock: true });

describe('concurrency', () => {
  it('says when nothing is in flight, and asks for the live view', async () => {
    const o = await h.run('concurrency');
    expect(h.text(o)).toContain('No request is in flight right now.');
    expect(h.calls()[0]?.query).toBe('mode=live');
  });

  it('renders live rows from the server', async () => {
    h.fake.failNext(
      1,
      200,
      JSON.stringify({
        data: [
          { provider: 'openai', model: 'gpt-4o', count: 3, timestamp: T },
          { provider: 'groq', model: 'llama-3.1-8b-instant', count: 1, timestamp: T },
        ],
      }),
      { path: /concurrency/ },
    );
    const t = h.text(await h.run('concurrency'));
    expect(t).toContain('In flight: 4');
    expect(t).toMatch(/openai\s+gpt-4o\s+3\n.*groq\s+llama-3\.1-8b-instant\s+1/);
  });
});

describe('performance', () => {
  it('lists latency and throughput per target, filtered by provider', async () => {
    const o = await h.run('performance provider=openai');
    const t = h.text(o);
    expect(h.calls()[0]?.query).toBe('provider=openai');
    expect(t).toMatch(/openai\/gpt-4o\s+\d+ ms\s+[\d.]+\s+[\d.]+\s+\d+\s+\d+ \/ \d+/);
    expect(t).not.toContain('anthropic/');
  });

  it('renders a 4xx with the server message, and refuses unknown options before any request', async () => {
    h.fake.failNext(1, 400, JSON.stringify({ error: 'Model parameter is required' }), { path: /performance/ });
    const o = await h.run('performance');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('Model parameter is required');
    h.fake.reset();
    expect(h.text(await h.run('performance region=eu'))).toContain('unknown option region=');
    expect(h.text(await h.run('concurrency now'))).toContain("does not take the extra word 'now'");
    expect(h.calls()).toHaveLength(0);
  });
});

describe('metrics', () => {
  it('reads the Prometheus text into the key counters, matching what Plexus holds', async () => {
    const usage = h.state().usage;
    const errors = usage.filter((u) => u.responseStatus !== 'success').length;
    const input = usage.reduce((n, u) => n + (u.tokensInput ?? 0), 0);
    const o = await h.run('metrics');
    const t = h.text(o);
    expect(t).toContain(`Requests:     ${formatNumber(usage.length)}`);
    expect(t).toContain(`Errors:       ${formatNumber(errors)}`);
    expect(t).toContain(`input ${formatNumber(input)}`);
    expect(t).toMatch(/anthropic\s+[\d,]+\s+[\d,]+\s+[\d,]+\s+\$[\d.,]+/);
    expect(t).not.toContain('# HELP');
    const code = (await h.run('metrics --json')).reply.blocks.find((b) => b.type === 'code');
    expect(JSON.parse(code?.type === 'code' ? code.text : '{}')).toMatchObject({ requests: usage.length, errors, tokens: { input } });
  });

  it('an answer with no samples is an unexpected answer, not a crash', async () => {
    h.fake.garbage({ path: /metrics/ }, { kind: 'html', times: 1 });
    const o = await h.run('metrics');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('holds no Prometheus samples');
  });

  it('parses labels with escapes and skips lines it cannot read', () => {
    const s = parsePrometheus(
      '# HELP x y\nplexus_tokens_total{type="in\\"put",a="b"} 12\nbroken line here\nplexus_requests_total 3 1700000000\n',
    );
    expect(s).toEqual([
      { name: 'plexus_tokens_total', labels: { type: 'in"put', a: 'b' }, value: 12 },
      { name: 'plexus_requests_total', labels: {}, value: 3 },
    ]);
  });
});

describe('cooldowns clear-all', () => {
  it('lists what is in cooldown in the confirmation, then clears all', async () => {
    const asked = await h.run('cooldowns clear-all');
    expect(asked.status).toBe('pending');
    expect(h.text(asked)).toMatch(/groq\/llama-3\.3-70b-versatile: 17 min left, 4 failures/);
    expect(h.calls().some((r) => r.method === 'DELETE')).toBe(false);
    const o = await h.runConfirmed('cooldowns clear-all');
    expect(h.text(o)).toContain('groq/llama-3.3-70b-versatile: in cooldown → available');
    expect(h.state().activeCooldowns()).toHaveLength(0);
    const again = await h.run('cooldowns clear-all');
    expect(h.text(again)).toContain('No provider is in cooldown now: nothing will change.');
  });
});
