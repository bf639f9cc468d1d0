import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CooldownEntry } from '../../src/demo/types.js';
import { alertKey, type AlertRecord } from '../../src/watch/alert-model.js';
import { FileStore } from '../../src/watch/file-store.js';
import { startFakePlexus, type FakePlexus } from '../fakes/plexus.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api.js';
import { startScript, type ScriptProcess } from './script-process.js';

/**
 * Bots in their own processes (watch-bot.ts) on one STATE_DIR, one Plexus
 * fake with three providers in cooldown and one Slack fake, for tests that
 * race or kill them. Everything is closed through `cleanup`.
 */
export const ONCALL = 'C0ONCALL';
export const TARGET = `slack:${ONCALL}`;
/** Long enough that a restarted bot is up well before a dead one's lease runs out. */
export const LEASE_MS = 3000;
export const ALERTS = [
  { provider: 'groq', model: 'llama-3.3-70b-versatile' },
  { provider: 'openai', model: 'gpt-4o' },
  { provider: 'mistral', model: 'mistral-large' },
].map((a) => ({ ...a, name: `${a.provider}/${a.model}` }));
export type Alert = (typeof ALERTS)[number];
export const idOf = (a: Alert) => `cooldown:${a.name}`;

export interface World {
  dir: string;
  plexus: FakePlexus;
  slack: FakeSlack;
  bot(env?: Record<string, string>): ScriptProcess;
  /** chat.postMessage calls for one alert. */
  posts(a: Alert): { at: number }[];
  /** What the message with this ts shows now (the text of its latest edit, else of its post). */
  shown(ts: string): string;
  record(a: Alert): Promise<AlertRecord | undefined>;
  clearCooldowns(): void;
  /** Every alert has its message id in its record. */
  allRecorded(): Promise<boolean>;
  /** Every alert is resolved and its recorded message says so. */
  allResolved(): Promise<boolean>;
}

export async function watchWorld(cleanup: (close: () => Promise<void>) => void): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'watch-crash-'));
  const plexus = await startFakePlexus();
  const slack = await startFakeSlack();
  plexus.gateway.state.quotaSnapshots.clear();
  const cooldown = ({ provider, model }: Alert, i: number): CooldownEntry => ({
    provider,
    model,
    expiry: Date.now() + 3_600_000,
    consecutiveFailures: i + 2,
    lastError: 'HTTP 503',
  });
  plexus.gateway.state.cooldowns = ALERTS.map(cooldown);
  const bots: ScriptProcess[] = [];
  cleanup(async () => {
    for (const b of bots) await b.kill();
    await plexus.close();
    await slack.close();
    await rm(dir, { recursive: true, force: true });
  });
  const store = new FileStore(dir);
  const textOf = (c: { args: Record<string, unknown> }) => String(c.args.text ?? '');
  const w: World = {
    dir,
    plexus,
    slack,
    bot(env = {}) {
      const b = startScript('watch-bot.ts', {
        STATE_DIR: dir,
        PLEXUS_URL: plexus.url,
        PLEXUS_ADMIN_KEY: plexus.adminKey,
        SLACK_API_URL: slack.apiUrl,
        SLACK_BOT_TOKEN: slack.botToken,
        ALERT_CHANNEL: ONCALL,
        LEASE_MS: String(LEASE_MS),
        TICK_MS: '100',
        ...env,
      });
      bots.push(b);
      return b;
    },
    posts: (a) => slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ONCALL && textOf(c).includes(`Cooldown: ${a.name}`)),
    shown(ts) {
      const edits = slack.callsTo('chat.update').filter((c) => c.args.ts === ts);
      return edits.length > 0 ? textOf(edits[edits.length - 1]!) : '';
    },
    record: async (a) => (await store.get<AlertRecord>(alertKey(idOf(a))))?.value,
    clearCooldowns() {
      plexus.gateway.state.cooldowns = [];
    },
    async allRecorded() {
      return (await Promise.all(ALERTS.map((a) => w.record(a)))).every((r) => r?.messages[TARGET]);
    },
    async allResolved() {
      for (const a of ALERTS) {
        const r = await w.record(a);
        const sent = r?.messages[TARGET];
        if (r?.state !== 'resolved' || !sent || !w.shown(sent.messageId).includes(`Resolved: cooldown ${a.name}`)) return false;
      }
      return true;
    },
  };
  return w;
}

export async function until(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
