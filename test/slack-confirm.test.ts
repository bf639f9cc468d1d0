import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, BOB, OPS, startSlackHarness, type SlackHarness } from './fakes/slack-harness.js';
import { messageText } from './fakes/slack-validate.js';

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Json = Record<string, any>;
const text = (p: { body: Record<string, unknown> }) => messageText(p.body);
const deletes = () => h!.plexus.requests.filter((r) => r.method === 'DELETE');

/** Asks for a destructive command; returns the prompt and its button ids. */
async function ask(line: string) {
  const sent = await h!.command(line);
  const [prompt] = await h!.waitPosts(sent.hook);
  const buttons = ((prompt!.body.blocks as Json[]).find((b) => b.type === 'actions')?.elements ?? []) as Json[];
  return { prompt: prompt!, confirm: buttons[0]!, cancel: buttons[1]! };
}

describe('confirmations as buttons', () => {
  it('prompts the requester alone with Confirm (danger, native dialog) and Cancel, and says what will be lost', async () => {
    h = await startSlackHarness();
    const { prompt, confirm, cancel } = await ask('providers delete groq');
    expect(prompt.body.response_type).toBe('ephemeral');
    expect(text(prompt)).toContain('Provider `groq`');
    expect(confirm.action_id).toMatch(/^confirm:/);
    expect(confirm.style).toBe('danger');
    expect(confirm.confirm.text.text).toContain('will be deleted');
    expect(cancel.action_id).toMatch(/^cancel:/);
    expect(deletes()).toEqual([]);
  });

  it('runs once for the requester, refuses anyone else, and replaces the prompt with the outcome', async () => {
    h = await startSlackHarness();
    const { confirm } = await ask('providers delete groq');

    const bob = await h.click(confirm.action_id, { user: BOB });
    const [refused] = await h.waitPosts(bob.hook);
    expect(refused!.body.replace_original).toBe(false);
    expect(refused!.body.response_type).toBe('ephemeral');
    expect(text(refused!)).toContain('Only the person who asked');
    expect(deletes()).toEqual([]);

    // A double click: two clicks at once, one run.
    const [first, second] = await Promise.all([h.click(confirm.action_id), h.click(confirm.action_id)]);
    const answers = [...(await h.waitPosts(first.hook)), ...(await h.waitPosts(second.hook))];
    await h.slack.waitFor(() => h!.slack.hookPosts.some((p) => p.body.response_type === 'in_channel'));
    expect(deletes().filter((r) => r.path.endsWith('/providers/groq'))).toHaveLength(1);
    const replaced = answers.filter((p) => p.body.replace_original === true);
    expect(replaced).toHaveLength(1);
    expect(text(replaced[0]!)).toContain('Provider groq deleted');
    expect(text(replaced[0]!)).not.toMatch(/Confirm|Cancel/);
    const again = answers.find((p) => p.body.replace_original === false && p.body.response_type === 'ephemeral');
    expect(text(again!)).toContain('already confirmed');
    // The team sees the change, and who made it.
    const posted = h.slack.hookPosts.filter((p) => p.body.response_type === 'in_channel');
    expect(posted).toHaveLength(1);
    expect(text(posted[0]!)).toContain('<@U0ALICE>');
  });

  it('cancels in place', async () => {
    h = await startSlackHarness();
    const { cancel } = await ask('keys delete alice-dev');
    const c = await h.click(cancel.action_id);
    const [p] = await h.waitPosts(c.hook);
    expect(p!.body.replace_original).toBe(true);
    expect(text(p!)).toContain('was cancelled. Nothing was changed.');
    expect(deletes()).toEqual([]);
  });

  it('runs nothing for a click after expiry, and says so in place of the prompt', async () => {
    h = await startSlackHarness({ ttlSeconds: 30 });
    const { confirm } = await ask('providers delete groq');
    h.clock.advance(31_000);
    const c = await h.click(confirm.action_id);
    const [p] = await h.waitPosts(c.hook);
    expect(p!.body.replace_original).toBe(true);
    expect(text(p!)).toContain('expired. Nothing was run');
    expect(deletes()).toEqual([]);
  });

  it('runs nothing for a prompt from before a restart', async () => {
    h = await startSlackHarness();
    const { confirm } = await ask('providers delete groq');
    await h.restart();
    const c = await h.click(confirm.action_id);
    const [p] = await h.waitPosts(c.hook);
    expect(text(p!)).toContain('not known');
    expect(text(p!)).toContain('Nothing was run');
    expect(deletes()).toEqual([]);
  });

  it('routes other buttons (run:…) through the same pipeline, as the clicker', async () => {
    h = await startSlackHarness();
    const c = await h.click('run:providers get openai', { ephemeral: false, channel: OPS, user: ALICE });
    const [p] = await h.waitPosts(c.hook);
    expect(p!.body.response_type).toBe('ephemeral');
    expect(text(p!)).toContain('openai');
    const unknown = await h.click('snooze:quota-1h');
    expect(text((await h.waitPosts(unknown.hook))[0]!)).toContain('no longer understood');
  });
});
