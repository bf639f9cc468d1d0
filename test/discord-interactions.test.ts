import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoSecrets } from '../src/demo/seed.js';
import { buttonClick, slashCommand, type OptionInput, type Where } from './fakes/discord-payloads.js';
import { startDiscordHarness, type DiscordHarness, type Sent } from './fakes/discord-harness.js';
import type { FakeMessage } from './fakes/discord-rest.js';

let h: DiscordHarness;
beforeAll(async () => {
  h = await startDiscordHarness({ ttlSeconds: 60, discord: { buttonWaitMs: 300 } });
});
afterAll(() => h?.close());
beforeEach(() => h.fresh());

const str = (name: string, value: string): OptionInput => ({ name, type: 3, value });
const run = (where: Where, line: string, more: OptionInput[] = []) => h.slash(where, ['run'], [str('command', line), ...more]);
const final = (sent: Sent[]) => sent.filter((s) => s.via !== 'defer' && s.via !== 'defer-update');
const plexusCalls = (method: string, path: RegExp) => h.plexus.fake.requests.filter((r) => r.method === method && path.test(r.path));

/** Clicks a button of the message the bot sent, as Discord would send the click (with the full message). */
async function click(where: Where, messageOrId: string | FakeMessage, label: string) {
  const message = typeof messageOrId === 'string' ? h.discord.rest.messages.get(messageOrId)! : messageOrId;
  const button = (message.components as { components: { label: string; custom_id: string }[] }[])
    .flatMap((r) => r.components)
    .find((b) => b.label === label);
  if (!button) throw new Error(`no ${label} button on message ${message.id}`);
  const p = h.discord.interact(buttonClick(h.discord.applicationId, where, button.custom_id, message));
  await h.finished(p.id);
  return { id: p.id, sent: h.sent(p.id) };
}

describe('slash commands', () => {
  it('defers at once while Plexus takes 10 s, then edits the result in', async () => {
    h.plexus.fake.delay(10_000, { path: /\/providers$/ });
    const p = h.discord.interact(slashCommand(h.discord.applicationId, h.discord.commandId, h.at('alice'), ['providers', 'list']));
    const deferral = await h.discord.waitForCall((c) => c.interactionId === p.id && c.path.endsWith('/callback'));
    expect(deferral.status).toBe(204);
    expect((deferral.body as { type: number }).type).toBe(5);
    // Deferred before the command had an outcome: Plexus is still holding it.
    expect(final(h.sent(p.id))).toEqual([]);
    // Plexus still holds the first request; the client's timeout lets the retry through once the delay is lifted.
    h.plexus.fake.reset();
    await h.finished(p.id);
    const [edit] = final(h.sent(p.id));
    expect(edit?.via).toBe('edit');
    expect(edit?.text).toContain('Providers (5)');
    expect(edit?.text).toContain('openrouter');
  });

  it('says so when Plexus is down, still within the deferred response', async () => {
    h.plexus.fake.dropConnection({ path: /\/providers$/ });
    const { sent } = await h.slash(h.at('alice'), ['providers', 'list']);
    expect(sent[0]?.via).toBe('defer');
    expect(final(sent)[0]?.text).toContain('Plexus unreachable');
  });

  it('answers reads to the caller alone unless public is set', async () => {
    const quiet = await h.slash(h.at('carol'), ['providers', 'list']);
    expect(quiet.sent.every((s) => s.ephemeral)).toBe(true);
    const loud = await h.slash(h.at('carol'), ['providers', 'list'], [{ name: 'public', type: 5, value: true }]);
    expect(loud.sent.map((s) => s.ephemeral)).toEqual([false, false]);
    expect(final(loud.sent)[0]?.text).toContain('openai');
  });

  it('turns typed options into the command line, and changes are public with who did them', async () => {
    const { sent } = await h.slash(h.at('alice'), ['providers', 'disable'], [str('slug', 'groq')]);
    expect(sent.every((s) => !s.ephemeral)).toBe(true);
    expect(final(sent)[0]?.text).toContain('Provider groq disabled');
    expect(plexusCalls('PATCH', /\/providers\/groq$/)).toHaveLength(1);
    await run(h.at('alice'), 'providers enable groq');
  });

  it('refuses a member without the role, naming the tier needed, and changes nothing', async () => {
    const dave = await h.slash(h.at('dave'), ['providers', 'list']);
    expect(dave.sent.every((s) => s.ephemeral)).toBe(true);
    expect(final(dave.sent)[0]?.text).toMatch(/needs the read tier; you have no access in this channel/);
    const carol = await h.slash(h.at('carol'), ['providers', 'disable'], [str('slug', 'openai')]);
    expect(carol.sent.every((s) => s.ephemeral)).toBe(true);
    expect(final(carol.sent)[0]?.text).toMatch(/needs the write tier; you have the read tier/);
    expect(plexusCalls('PATCH', /providers/)).toHaveLength(0);
  });

  it('runs a command that the menu leaves out through run', async () => {
    const folded = h.bot.definition.folded.find((c) => c.tier === 'read' && c.example) ?? h.plexus.app.registry.get('cooldowns list')!;
    const { sent } = await run(h.at('alice'), folded.example!);
    const answer = final(sent)[0]!;
    expect(answer.status).toBe(200);
    expect(answer.body.embeds).toEqual([expect.not.objectContaining({ color: 0xed4245 })]);
    expect(answer.text).not.toMatch(/Unknown command|Invalid input/);
  });

  it('knows direct messages as the channel `dm`', async () => {
    const alice = await h.slash(h.dm('alice'), ['providers', 'list']);
    expect(final(alice.sent)[0]?.text).toContain('openai');
    const carol = await h.slash(h.dm('carol'), ['providers', 'list']);
    expect(final(carol.sent)[0]?.text).toContain('you have no access in direct messages');
  });

  it('splits an answer over Discord limits into follow-ups that each fit', async () => {
    const { sent } = await run(h.at('alice'), 'usage list limit=60');
    const messages = final(sent);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.map((m) => m.via)).toEqual(['edit', ...messages.slice(1).map(() => 'followup')]);
    for (const m of messages) {
      expect(m.status).toBe(200);
      expect(m.problems).toEqual([]);
      expect(m.ephemeral).toBe(true);
    }
    const rows = messages.flatMap((m) => m.text.split('\n')).filter((l) => /^[\d-]*\s*\d{2}:\d{2}\s+[0-9a-f]{8}\s/.test(l));
    expect(rows).toHaveLength(60);
  });

  it('attaches an answer too long for a few messages as a file', async () => {
    const { sent } = await run(h.at('alice'), 'usage list limit=200');
    const messages = final(sent);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.problems).toEqual([]);
    expect(messages[0]?.text).toContain('attached as a file');
    const file = messages[0]!.files[0]!.data.toString('utf8');
    expect(file.split('\n').filter((l) => /^\S.*\s[0-9a-f]{8}\s/.test(l))).toHaveLength(200);
  });
});

describe('secrets stay with the caller', () => {
  const publicText = () =>
    [...h.discord.rest.messages.values()]
      .filter((m) => (m.flags & 64) === 0)
      .map((m) => JSON.stringify(m))
      .join('\n');

  it('keys create is answered ephemerally from the deferral on', async () => {
    const { sent } = await h.slash(h.at('alice'), ['keys', 'create'], [str('name', 'discord-ci')]);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.every((s) => s.ephemeral)).toBe(true);
    const secret = final(sent)[0]!.text.match(/sk-plexus-[0-9a-f]+/)?.[0];
    expect(secret).toBeDefined();
    expect(publicText()).not.toContain(secret);
  });

  it('a line with a secret option is never answered in public', async () => {
    const { sent } = await run(h.at('alice'), 'keys set discord-ci secret=sk-test-discord-0123456789abcdef');
    expect(sent.every((s) => s.ephemeral)).toBe(true);
    expect(publicText()).not.toContain('sk-test-discord-0123456789abcdef');
    for (const seeded of demoSecrets(h.plexus.fake.gateway.state)) expect(publicText()).not.toContain(seeded);
  });

  it('keys rotate: the confirmation and the new secret go to the requester alone', async () => {
    const asked = await run(h.at('alice'), 'keys rotate web-app');
    expect(asked.sent.every((s) => s.ephemeral)).toBe(true);
    const prompt = final(asked.sent)[0]!;
    const done = await click(h.at('alice'), prompt.messageId!, 'Confirm');
    expect(done.sent[0]?.via).toBe('update');
    expect(done.sent.every((s) => s.ephemeral)).toBe(true);
    expect(plexusCalls('POST', /self\/rotate/)).toHaveLength(1);
    const secret = done.sent
      .map((s) => s.text)
      .join('\n')
      .match(/sk-[\w-]{16,}/)?.[0];
    expect(secret).toBeDefined();
    expect(publicText()).not.toContain(secret);
  });

  it('a message Discord refuses is logged without the answer or the token, and the caller is told', async () => {
    h.discord.rest.failNext('PATCH', /messages\/@original$/, 400);
    const { id, sent } = await h.slash(h.at('alice'), ['keys', 'create'], [str('name', 'refused-key')]);
    const refused = h.discord.callsOf(id).find((c) => c.status === 400)!;
    const secret = JSON.stringify(refused.body).match(/sk-plexus-[0-9a-f]+/)?.[0];
    expect(secret).toBeDefined();
    const token = refused.path.split('/')[3]!;
    const logged = h.plexus.logs.filter((l) => l.includes('sending a reply failed'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).not.toContain(secret);
    expect(logged[0]).not.toContain(token);
    expect(final(sent).at(-1)).toMatchObject({ ephemeral: true, status: 200 });
    expect(final(sent).at(-1)?.text).toContain('could not be shown');
  });

  it('backup comes back as an ephemeral attachment', async () => {
    const asked = await h.slash(h.at('alice'), ['backup']);
    expect(asked.sent.every((s) => s.ephemeral)).toBe(true);
    const done = await click(h.at('alice'), final(asked.sent)[0]!.messageId!, 'Confirm');
    const withFile = done.sent.find((s) => s.files.length > 0);
    expect(withFile?.ephemeral).toBe(true);
    expect(withFile?.files[0]?.name).toMatch(/^plexus-backup-.*\.json$/);
    expect(JSON.parse(withFile!.files[0]!.data.toString('utf8')).plexus_backup).toBe(true);
  });
});

describe('confirmation buttons', () => {
  async function ask(line: string) {
    const asked = await run(h.at('alice'), line);
    const prompt = final(asked.sent)[0]!;
    expect(prompt.ephemeral).toBe(false);
    expect(prompt.text).toContain('Confirm');
    return prompt.messageId!;
  }

  it('only the requester confirms, once; others are refused privately', async () => {
    const message = await ask('providers delete azure-eu');
    // A second click is sent from the message as it was shown before the first one updated it.
    const asShown = structuredClone(h.discord.rest.messages.get(message)!);
    const bob = await click(h.at('bob'), message, 'Confirm');
    expect(bob.sent).toHaveLength(1);
    expect(bob.sent[0]).toMatchObject({ via: 'reply', ephemeral: true });
    expect(bob.sent[0]?.text).toContain('Only the person who asked');
    expect(plexusCalls('DELETE', /providers/)).toHaveLength(0);

    const alice = await click(h.at('alice'), message, 'Confirm');
    expect(alice.sent[0]).toMatchObject({ via: 'update', ephemeral: false });
    expect(alice.sent[0]?.text).toContain('Provider azure-eu deleted');
    expect(alice.sent[0]?.body.components).toEqual([]);
    expect(plexusCalls('DELETE', /providers\/azure-eu$/)).toHaveLength(1);

    const again = await click(h.at('alice'), asShown, 'Confirm');
    expect(again.sent[0]).toMatchObject({ via: 'reply', ephemeral: true });
    expect(again.sent[0]?.text).toContain('already confirmed');
    expect(plexusCalls('DELETE', /providers/)).toHaveLength(1);
  });

  it('a click after expiry runs nothing and says so', async () => {
    const message = await ask('providers delete groq');
    h.plexus.clock.advance(61_000);
    const late = await click(h.at('alice'), message, 'Confirm');
    expect(late.sent[0]).toMatchObject({ via: 'reply', ephemeral: true });
    expect(late.sent[0]?.text).toContain('expired');
    expect(plexusCalls('DELETE', /providers/)).toHaveLength(0);
  });

  it('a click whose command is slow is acknowledged at once and the message edited when it is done', async () => {
    const message = await ask('providers delete openrouter');
    h.plexus.fake.delay(700, { method: 'DELETE' });
    const done = await click(h.at('alice'), message, 'Confirm');
    expect(done.sent.map((s) => s.via)).toEqual(['defer-update', 'edit']);
    expect(done.sent[1]?.text).toContain('Provider openrouter deleted');
    expect(h.discord.rest.messages.get(message)?.components).toEqual([]);
  });

  it('cancel updates the message in place', async () => {
    const message = await ask('providers delete groq');
    const cancelled = await click(h.at('alice'), message, 'Cancel');
    expect(cancelled.sent[0]?.via).toBe('update');
    expect(cancelled.sent[0]?.text).toContain('was cancelled');
    expect(plexusCalls('DELETE', /providers/)).toHaveLength(0);
  });

  it('a button from before a restart runs nothing', async () => {
    const message = await ask('providers delete groq');
    const stored = h.discord.rest.messages.get(message)!;
    const forgotten = {
      ...stored,
      components: [{ type: 1, components: [{ type: 2, style: 4, label: 'Confirm', custom_id: 'confirm:from-before-the-restart' }] }],
    };
    h.discord.rest.messages.set(message, forgotten);
    const click2 = await click(h.at('alice'), message, 'Confirm');
    expect(click2.sent[0]).toMatchObject({ via: 'reply', ephemeral: true });
    expect(click2.sent[0]?.text).toContain('not known');
  });

  it('refuses an attachment over the size bound without fetching it', async () => {
    const att = h.discord.rest.addAttachment('huge.json', Buffer.from('{}'));
    const huge = { ...att, size: 30 * 1024 * 1024 };
    const { sent } = await h.slash(h.at('alice'), ['restore'], [{ name: 'backup', type: 11, value: att.id }], {
      attachments: { [att.id]: huge },
    });
    expect(final(sent)[0]?.text).toMatch(/huge\.json is 31 MB; at most 26 MB is accepted\. Nothing was run/);
    expect(h.discord.rest.downloads).not.toContain(att.id);
    expect(plexusCalls('POST', /\/restore$/)).toHaveLength(0);
  });

  it('restore takes the backup as an attachment', async () => {
    const file = readFileSync(new URL('../examples/plexus-backup-example.json', import.meta.url));
    const att = h.discord.rest.addAttachment('plexus-backup-example.json', file);
    const asked = await h.slash(h.at('alice'), ['restore'], [{ name: 'backup', type: 11, value: att.id }], {
      attachments: { [att.id]: att },
    });
    const prompt = final(asked.sent)[0]!;
    expect(h.discord.rest.downloads).toContain(att.id);
    expect(prompt.ephemeral).toBe(false);
    expect(prompt.text).toContain('Confirm: restore');
    const done = await click(h.at('alice'), prompt.messageId!, 'Confirm');
    expect(done.sent[0]?.via).toBe('update');
    const posted = plexusCalls('POST', /\/restore$/);
    expect(posted).toHaveLength(1);
    expect(JSON.parse(posted[0]!.body).plexus_backup).toBe(true);

    // Its `run:restart` button runs as the clicker: refused for a reader, a confirmation for alice.
    const restored = done.sent[0]!.messageId!;
    const carol = await click(h.at('carol'), restored, 'Restart Plexus');
    expect(carol.sent[0]).toMatchObject({ via: 'reply', ephemeral: true });
    expect(carol.sent[0]?.text).toContain('needs the destructive tier');
    const alice = await click(h.at('alice'), restored, 'Restart Plexus');
    expect(alice.sent[0]?.via).toBe('update');
    expect(alice.sent[0]?.text).toContain('Confirm: restart');
    expect(plexusCalls('POST', /\/restart$/)).toHaveLength(0);
  });
});
