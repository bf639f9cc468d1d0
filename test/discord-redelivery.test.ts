/**
 * What a Discord bot must not lose or repeat across a restart, and what a
 * copy of an interaction (a gateway replay, or the other replica) must not
 * run again: each interaction is claimed by its id, and long button ids are
 * kept in the state store.
 */
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../src/core/pipeline.js';
import { reply, text } from '../src/render/reply.js';
import { buttonClick, slashCommand } from './fakes/discord-payloads.js';
import { startDiscordHarness, type DiscordHarness } from './fakes/discord-harness.js';
import { tempDir, useCleanups } from './support/cleanups.js';

let h: DiscordHarness | undefined;
const cleanup = useCleanups();
const stateDir = () => tempDir(cleanup, 'discord-redelivery-');
/** The harness of this test, closed after it (its state directory is removed after that). */
async function start(opts?: Parameters<typeof startDiscordHarness>[0]): Promise<DiscordHarness> {
  const started = await startDiscordHarness(opts);
  cleanup(() => started.close());
  h = started;
  return started;
}
/** Waits until the bot has logged that it dropped `n` copies of an interaction. */
async function dropped(n = 1): Promise<void> {
  const deadline = Date.now() + 5000;
  while (h!.plexus.logs.filter((l) => l.includes('interaction already taken')).length < n) {
    if (Date.now() > deadline) throw new Error(`no ${n} dropped interaction(s) logged`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
const deletes = (path: RegExp) => h!.plexus.fake.requests.filter((r) => r.method === 'DELETE' && path.test(r.path));

describe('Discord deliveries', () => {
  it('an interaction delivered twice runs once and is answered once', async () => {
    h = await start();
    const run = [{ name: 'command', type: 3, value: 'cooldowns clear groq' }];
    const payload = slashCommand(h.discord.applicationId, h.discord.commandId, h.at('alice'), ['run'], run);
    h.discord.interact(payload);
    await h.finished(payload.id);
    const answered = h.sent(payload.id).length;
    expect(answered).toBeGreaterThan(0);
    h.discord.interact(payload);
    await dropped();
    expect(deletes(/\/cooldowns\/groq$/)).toHaveLength(1);
    expect(h.sent(payload.id)).toHaveLength(answered);
  });

  it('a confirmation asked before a restart is honoured once after it; a second click is refused', async () => {
    h = await start({ stateDir: await stateDir() });
    const asked = await h.slash(h.at('alice'), ['run'], [{ name: 'command', type: 3, value: 'providers delete groq' }]);
    const messageId = asked.sent.find((s) => s.messageId)!.messageId!;
    await h.restart();
    const message = h.discord.rest.messages.get(messageId)!;
    const confirm = (message.components as { components: { label: string; custom_id: string }[] }[])
      .flatMap((r) => r.components)
      .find((b) => b.label === 'Confirm')!;
    const click = () => {
      const p = h!.discord.interact(buttonClick(h!.discord.applicationId, h!.at('alice'), confirm.custom_id, message));
      return h!.finished(p.id).then(() => h!.sent(p.id));
    };
    const done = await click();
    expect(done[0]?.text).toContain('Provider groq deleted');
    expect(deletes(/\/providers\/groq$/)).toHaveLength(1);
    const again = await click();
    expect(again[0]).toMatchObject({ via: 'reply', ephemeral: true });
    expect(again[0]?.text).toContain('already confirmed');
    expect(deletes(/\/providers\/groq$/)).toHaveLength(1);
  });

  it('a button whose id is over 100 characters still works after a restart', async () => {
    h = await start({ stateDir: await stateDir() });
    const long = `probe:${'x'.repeat(150)}`;
    const channel = h.at('alice').channelId;
    const { messageId } = await h.bot.poster.post(
      channel,
      reply({ blocks: [text('a long button')], actions: [{ id: long, label: 'Go', style: 'default' }] }),
    );
    await h.restart();
    const got: string[] = [];
    h.plexus.app.pipeline.registerAction('probe', async (_actor, arg) => {
      got.push(arg);
      const outcome: Outcome = { status: 'ok', audience: 'requester', reply: reply({ blocks: [text('probed')] }) };
      return outcome;
    });
    const message = h.discord.rest.messages.get(messageId)!;
    const button = (message.components as { components: { custom_id: string }[] }[])[0]!.components[0]!;
    expect(button.custom_id).toMatch(/^ref:/);
    const p = h.discord.interact(buttonClick(h.discord.applicationId, h.at('alice'), button.custom_id, message));
    await h.finished(p.id);
    expect(got).toEqual([long.slice('probe:'.length)]);
  });
});
