import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../src/core/pipeline.js';
import { MemoryState } from '../src/state/memory.js';
import { consoleAllSlackRead, consoleUser, FakeClock, slackUser, startHarness, useFakePlexus, type Harness } from './support/harness.js';

const fake = useFakePlexus();
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(): Promise<{ h: Harness; store: MemoryState }> {
  const clock = new FakeClock();
  const store = new MemoryState(() => clock.now());
  h = await startHarness({ fake, clock, store, access: consoleAllSlackRead });
  return { h, store };
}

const audited = async (store: MemoryState, where?: Record<string, string>) =>
  (await store.query<AuditEntry>('audit', where ? { where } : {})).entries;

describe('the audit trail in the state store', () => {
  it('a write appends one entry with its fields and data', async () => {
    const { h, store } = await start();
    const o = await h.runConfirmed('providers disable groq');
    expect(o.status).toBe('ok');
    const entries = await audited(store);
    expect(entries).toHaveLength(1);
    const [e] = entries;
    expect(e!.fields).toEqual({
      user: 'alice',
      platform: 'console',
      channel: 'console',
      command: 'providers disable',
      outcome: 'ok',
      tier: 'write',
    });
    expect(e!.data).toMatchObject({
      at: e!.at,
      platform: 'console',
      user: 'alice',
      channel: 'console',
      command: 'providers disable groq',
      tier: 'write',
      outcome: 'ok',
    });
    expect(typeof e!.data!.durationMs).toBe('number');
    expect(e!.data!.replica).toBeTruthy();
  });

  it('a denied command appends `denied`; a read appends nothing', async () => {
    const { h, store } = await start();
    expect((await h.run('providers list')).status).toBe('ok');
    expect(await audited(store)).toHaveLength(0);
    const carol = slackUser('U0CAROL');
    expect((await h.run('providers disable groq', carol)).status).toBe('denied');
    const entries = await audited(store);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.fields).toMatchObject({ user: 'U0CAROL', platform: 'slack', outcome: 'denied' });
  });

  it('stores the line masked: the secret appears nowhere in the entries', async () => {
    const { h, store } = await start();
    const secret = 'sk-live-abcdefghijklmnop';
    expect((await h.runConfirmed(`keys set ci secret=${secret}`)).status).toBe('ok');
    const entries = await audited(store);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.fields.command).toBe('keys set');
    expect(JSON.stringify(await store.query('audit'))).not.toContain(secret);
    expect(entries[0]!.data!.command).not.toContain(secret);
  });

  it('entries are queryable by user', async () => {
    const { h, store } = await start();
    await h.runConfirmed('providers disable groq');
    await h.run('providers disable groq', slackUser('U0CAROL'));
    const alice = await audited(store, { user: consoleUser.userId });
    expect(alice.map((e) => e.fields.outcome)).toEqual(['ok']);
    const carol = await audited(store, { user: 'U0CAROL' });
    expect(carol.map((e) => e.fields.outcome)).toEqual(['denied']);
  });

  it('a failing append does not fail the command and logs a warning without the line', async () => {
    const { h, store } = await start();
    store.append = async () => {
      throw new Error('disk full');
    };
    const o = await h.runConfirmed('keys set ci secret=sk-live-abcdefghijklmnop');
    expect(o.status).toBe('ok');
    await new Promise((r) => setImmediate(r));
    const warned = h.logs.filter((l) => l.includes('the audit log append failed'));
    expect(warned).toHaveLength(1);
    expect(warned[0]).not.toContain('secret=');
  });
});
