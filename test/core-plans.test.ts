import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Actor } from '../src/core/actor.js';
import { args } from '../src/core/args.js';
import { defineCommand, type Json } from '../src/core/command.js';
import {
  MemoryConfirmationRecords,
  type ConfirmationRecord,
  type ConfirmationRecords,
  type Settlement,
} from '../src/core/confirmations.js';
import { Pipeline } from '../src/core/pipeline.js';
import type { AccessPolicy } from '../src/core/policy.js';
import { Registry } from '../src/core/registry.js';
import { commands } from '../src/commands/index.js';
import { reply, text } from '../src/render/reply.js';
import { consoleUser, startHarness, useHarness } from './support/harness.js';

const h = useHarness({ fakeFollowsClock: true });
const all: AccessPolicy = { rules: [{ platform: '*', tier: 'destructive' }] };
const bob: Actor = { platform: 'slack', userId: 'U0BOB', channelId: 'C0OPS', groups: [] };

/** A store that keeps only what JSON keeps, and shows what it holds. */
class JsonRecords implements ConfirmationRecords {
  readonly rows = new Map<string, string>();
  async create(r: ConfirmationRecord) {
    this.rows.set(r.id, JSON.stringify(r));
  }
  async get(id: string) {
    const row = this.rows.get(id);
    return row === undefined ? undefined : (JSON.parse(row) as ConfirmationRecord);
  }
  async settle(id: string, s: Settlement) {
    const r = await this.get(id);
    if (!r || r.settled !== null) return false;
    this.rows.set(id, JSON.stringify({ ...r, settled: s }));
    return true;
  }
}

describe('plans', () => {
  it('what describeRisk planned reaches run, as plain JSON, with the args frozen', async () => {
    const seen: { plan: unknown; frozen: boolean }[] = [];
    const wipe = defineCommand({
      words: ['wipe'],
      summary: 'Wipes a thing.',
      tier: 'destructive',
      positional: ['what'],
      args: args({ what: z.string() }),
      calls: [],
      describeRisk: (ctx) => ({
        lines: [`${ctx.args.what} goes`],
        plan: { id: `${ctx.args.what}-7`, count: 3, before: { enabled: true }, when: new Date(0) as unknown as string },
      }),
      run: async (ctx) => {
        seen.push({ plan: ctx.plan, frozen: Object.isFrozen(ctx.args) });
        return reply({ blocks: [text(`wiped ${ctx.plan?.id ?? '?'}`)] });
      },
    });
    const records = new JsonRecords();
    const pipeline = new Pipeline(h.app.deps, new Registry([wipe]), all, { confirmTtlSeconds: 60, confirmations: records });
    const asked = await pipeline.handle({ actor: consoleUser, text: 'wipe box' });
    expect(asked.status).toBe('pending');
    expect(h.text(asked)).toContain('box goes');
    const stored = (await records.get(asked.confirmationId!))!;
    expect(stored).toMatchObject({
      line: 'wipe box',
      command: 'wipe',
      tier: 'destructive',
      settled: null,
      owner: { platform: 'console', userId: 'alice', channelId: 'console' },
    });
    expect(stored.plan).toEqual({ id: 'box-7', count: 3, before: { enabled: true }, when: '1970-01-01T00:00:00.000Z' });
    const done = await pipeline.confirm(asked.confirmationId!, consoleUser);
    expect(h.text(done)).toContain('wiped box-7');
    expect(seen).toEqual([{ plan: stored.plan, frozen: true }]);
  });

  it('a command that writes to its args fails instead of changing them', async () => {
    const sneaky = defineCommand({
      words: ['sneaky'],
      summary: 'Tries to change its args.',
      tier: 'read',
      args: args({ n: z.string().optional() }),
      calls: [],
      run: async (ctx) => {
        (ctx.args as { n?: string }).n = 'changed';
        return reply({ blocks: [text(String(ctx.args.n))] });
      },
    });
    const out = await new Pipeline(h.app.deps, new Registry([sneaky]), all, { confirmTtlSeconds: 60 }).handle({
      actor: consoleUser,
      text: 'sneaky n=1',
    });
    expect(out.status).toBe('error');
    expect(h.text(out)).not.toContain('changed');
  });

  it('no command of the bot changes its args while asking or running (every destructive example, confirmed)', async () => {
    const destructive = commands.filter((c) => c.tier === 'destructive' && c.example && !['restart', 'restore'].includes(c.name));
    expect(destructive.length).toBeGreaterThan(10);
    // Its own fake: these examples delete what the other tests read.
    const own = await startHarness();
    try {
      for (const c of destructive) {
        const out = await own.runConfirmed(c.example!);
        expect(out.code ?? 'none', `${c.example}: ${own.text(out)}`).not.toBe('INTERNAL');
      }
    } finally {
      await own.close();
    }
  });
});

describe('confirmation records', () => {
  it('survive a JSON round trip and are honoured by a pipeline rebuilt on the same store (a restart)', async () => {
    const records = new MemoryConfirmationRecords({ now: () => h.clock.now(), keepMs: 600_000 });
    const build = () => new Pipeline(h.app.deps, new Registry(commands), all, { confirmTtlSeconds: 60, confirmations: records });
    const target = [...h.state().usage].sort((a, b) => b.startTime - a.startTime)[0]!;
    const asked = await build().handle({ actor: consoleUser, text: 'usage delete latest' });
    expect(asked.status).toBe('pending');
    const record = (await records.get(asked.confirmationId!))!;
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
    expect(record.plan).toEqual({ requestId: target.requestId });

    // A newer record arrives; the bot restarts; the requester confirms on the new one.
    h.state().usage.push({ ...target, requestId: 'bbbbbbbb-0000-4000-8000-000000000002', startTime: target.startTime + 1000 });
    const after = build();
    expect(h.text(await after.confirm(asked.confirmationId!, bob))).toContain('Only the person who asked');
    const done = await after.confirm(asked.confirmationId!, consoleUser);
    expect(done.status).toBe('ok');
    expect(h.fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([`/v0/management/usage/${target.requestId}`]);
    expect(h.text(await build().confirm(asked.confirmationId!, consoleUser))).toContain('already confirmed');
    expect(h.text(await build().cancel(asked.confirmationId!, consoleUser))).toContain('already confirmed');
  });

  it('re-checks the tier against the policy of the pipeline that runs it', async () => {
    const records = new MemoryConfirmationRecords({ now: () => h.clock.now(), keepMs: 600_000 });
    const slack: AccessPolicy = { rules: [{ platform: 'slack', users: ['U0BOB'], tier: 'destructive' }] };
    const asked = await new Pipeline(h.app.deps, new Registry(commands), slack, { confirmTtlSeconds: 60, confirmations: records }).handle({
      actor: bob,
      text: 'errors clear',
    });
    expect(asked.status).toBe('pending');
    const demoted: AccessPolicy = { rules: [{ platform: 'slack', users: ['U0BOB'], tier: 'write' }] };
    const out = await new Pipeline(h.app.deps, new Registry(commands), demoted, { confirmTtlSeconds: 60, confirmations: records }).confirm(
      asked.confirmationId!,
      bob,
    );
    expect(out.status).toBe('denied');
    expect(h.text(out)).toContain('needs the destructive tier');
    expect(h.fake.requests.some((r) => r.method === 'DELETE')).toBe(false);
  });

  it('expire: a late click runs nothing, and says so again on a second try', async () => {
    const asked = await h.run('errors clear');
    h.clock.advance(121_000);
    expect(h.text(await h.confirm(asked.confirmationId!))).toContain('expired');
    expect(h.text(await h.confirm(asked.confirmationId!))).toContain('expired');
    expect(h.fake.requests.some((r) => r.method === 'DELETE')).toBe(false);
  });
});

describe('Json', () => {
  it('is what a plan may hold', () => {
    const plan: Json = { ids: ['a', 'b'], count: 2, before: null, ok: true };
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });
});
