/**
 * Slack delivers an event again when it thinks it was missed (a retry with
 * X-Slack-Retry-Num), and with two replicas a copy may reach the other one:
 * each delivery is claimed in the bot's state store before it runs, so a
 * retry runs nothing and answers nothing, even after a restart.
 */
import { describe, expect, it } from 'vitest';
import { startSlackHarness, type SlackHarness } from './fakes/slack-harness.js';
import { tempDir, useCleanups } from './support/cleanups.js';
import { messageText } from './fakes/slack-validate.js';

type Json = Record<string, any>;
let h: SlackHarness | undefined;
const cleanup = useCleanups();
const stateDir = () => tempDir(cleanup, 'slack-redelivery-');
/** The harness of this test, closed after it (its state directory is removed after that). */
async function start(opts?: Parameters<typeof startSlackHarness>[0]): Promise<SlackHarness> {
  const started = await startSlackHarness(opts);
  cleanup(() => started.close());
  h = started;
  return started;
}
const requests = (method: string, path: RegExp) => h!.plexus.requests.filter((r) => r.method === method && path.test(r.path));
/** Waits until the bot has logged that it dropped `n` copies of a delivery. */
const dropped = (n = 1) => h!.slack.waitFor(() => h!.logs.filter((l) => l.includes('Slack delivery already taken')).length >= n);
const dmAnswers = () => h!.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D0ALICE');

describe('a redelivered Slack request runs once', () => {
  it('a slash command retried with the same trigger_id runs once and is answered once', async () => {
    h = await start();
    const first = await h.command('cooldowns clear groq');
    const retry = await h.redeliver(first, 1);
    // Slack still gets its ack for the retry.
    expect(retry.status).toBe(200);
    const [answer] = await h.waitPosts(first.hook);
    await dropped();
    expect(messageText(answer!.body)).toMatch(/groq/);
    // The retry was taken as a copy, and logged without its text.
    const line = h.logs.find((l) => l.includes('Slack delivery already taken'))!;
    expect(JSON.parse(line)).toMatchObject({ delivery: 'slack:command', retryNum: 1 });
    // A later retry, once the first is answered, is dropped too.
    await h.redeliver(first, 2);
    await dropped(2);
    expect(requests('DELETE', /\/cooldowns\/groq$/)).toHaveLength(1);
    expect(h.posts(first.hook)).toHaveLength(1);
  });

  it('two commands with their own trigger_ids both run', async () => {
    h = await start();
    const [a, b] = await Promise.all([h.command('cooldowns clear groq'), h.command('cooldowns clear groq')]);
    await h.waitPosts(a.hook);
    await h.waitPosts(b.hook, a.hook === b.hook ? 2 : 1);
    expect(requests('DELETE', /\/cooldowns\/groq$/)).toHaveLength(2);
  });

  it('a DM event retried after a restart, on the same state, runs once', async () => {
    h = await start({ stateDir: await stateDir() });
    const first = await h.dm('cooldowns clear groq');
    await h.slack.waitFor(() => dmAnswers().length >= 1);
    await h.restart();
    const retry = await h.redeliver(first, 1);
    expect(retry.status).toBe(200);
    await dropped();
    expect(requests('DELETE', /\/cooldowns\/groq$/)).toHaveLength(1);
    expect(dmAnswers()).toHaveLength(1);
    // The new bot answers a new message.
    await h.dm('cooldowns clear groq');
    await h.slack.waitFor(() => dmAnswers().length >= 2);
    expect(requests('DELETE', /\/cooldowns\/groq$/)).toHaveLength(2);
  });

  it('a click retried with its trigger_id runs once', async () => {
    h = await start();
    const click = await h.click('run:cooldowns clear groq', { ephemeral: false });
    await h.redeliver(click, 1);
    await h.waitPosts(click.hook);
    await dropped();
    expect(requests('DELETE', /\/cooldowns\/groq$/)).toHaveLength(1);
    expect(h.posts(click.hook)).toHaveLength(1);
  });
});

describe('a confirmation survives a restart on the same state', () => {
  it('is honoured once by the new bot; a second click is refused', async () => {
    h = await start({ stateDir: await stateDir() });
    const sent = await h.command('providers delete groq');
    const [prompt] = await h.waitPosts(sent.hook);
    const confirm = ((prompt!.body.blocks as Json[]).find((b) => b.type === 'actions')!.elements as Json[])[0]!;
    // The record is in the store, its line with it: nothing of it is logged.
    expect(h.logs.some((l) => l.includes(confirm.action_id.slice('confirm:'.length)))).toBe(false);

    await h.restart();
    const c = await h.click(confirm.action_id);
    const [done] = await h.waitPosts(c.hook);
    expect(done!.body.replace_original).toBe(true);
    expect(messageText(done!.body)).toContain('Provider groq deleted');
    expect(requests('DELETE', /\/providers\/groq$/)).toHaveLength(1);

    await h.restart();
    const again = await h.click(confirm.action_id);
    const [refused] = await h.waitPosts(again.hook);
    expect(messageText(refused!.body)).toContain('already confirmed');
    expect(requests('DELETE', /\/providers\/groq$/)).toHaveLength(1);
  });
});
