import { afterEach, describe, expect, it } from 'vitest';
import { args, int } from '../src/core/args.js';
import { defineCommand, type Command } from '../src/core/command.js';
import { splitForSlack } from '../adapters/slack/block-kit.js';
import { reply, table, text } from '../src/render/reply.js';
import { ALICE, OPS, startSlackHarness, type SlackHarness } from './fakes/slack-harness.js';
import { blockProblems, messageText } from './fakes/slack-validate.js';

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Json = Record<string, any>;

const bulkReply = (rows: number) =>
  reply({
    title: 'Bulk',
    blocks: [
      text('Rows follow.'),
      table(
        ['row', 'value'],
        Array.from({ length: rows }, (_, i) => [`row-${i}`, `value <${i}> & more`]),
      ),
    ],
  });

/** A read whose answer is `rows` table rows long. */
const bulk = defineCommand({
  words: ['bulk'],
  summary: 'A long answer.',
  usage: 'rows=<n>',
  tier: 'read',
  args: args({ rows: int({ min: 1 }) }),
  calls: [],
  run: async (ctx) => bulkReply(ctx.args.rows),
});

/** Stand-ins with the contract of `backup` (D P, answers with a file) and `restore` (D, takes the attached backup). */
const restored: Buffer[] = [];
const backup = defineCommand({
  words: ['backup'],
  summary: 'Download a backup.',
  tier: 'destructive',
  private: true,
  args: args({}),
  calls: [],
  run: async () =>
    reply({
      title: 'Backup ready',
      severity: 'success',
      blocks: [text('Keep it safe.')],
      file: {
        name: 'plexus-backup.json',
        content: Buffer.from('{"secret":"sk-backup-0123456789abcdefghij"}'),
        contentType: 'application/json',
      },
    }),
});
const restore = defineCommand({
  words: ['restore'],
  summary: 'Restore a backup.',
  tier: 'destructive',
  args: args({}),
  calls: [],
  run: async (ctx) => {
    const file = ctx.attachments[0];
    if (!file) return reply({ severity: 'error', blocks: [text('Attach the backup file.')] });
    restored.push(file.content);
    return reply({ title: 'Restored', severity: 'success', blocks: [text(`Restored ${file.name} (${file.content.length} bytes).`)] });
  },
});
const extraCommands = [bulk, backup, restore] as Command[];

describe('long answers', () => {
  it('splits an answer over several messages, in order, each within Slack limits', async () => {
    h = await startSlackHarness({ extraCommands });
    const parts = splitForSlack(bulkReply(500)).length;
    expect(parts).toBeGreaterThanOrEqual(2);
    expect(parts).toBeLessThanOrEqual(3);
    const sent = await h.command('bulk rows=500');
    const all = await h.waitPosts(sent.hook, parts);
    for (const p of all) expect(blockProblems(p.body.blocks)).toEqual([]);
    const joined = all.map((p) => messageText(p.body)).join('\n');
    const order = Array.from({ length: 500 }, (_, i) => joined.indexOf(`row-${i} `));
    expect(order.every((pos, i) => pos >= 0 && (i === 0 || pos > order[i - 1]!))).toBe(true);
    expect(joined).toContain('value &lt;7&gt; &amp; more');
    expect(all.every((p) => p.body.response_type === 'ephemeral')).toBe(true);
    expect(h.slack.uploads).toEqual([]);
  });

  it('sends an answer too long for three messages as a file, privately for a private read', async () => {
    h = await startSlackHarness({ extraCommands });
    const sent = await h.command('bulk rows=2000');
    const [note] = await h.waitPosts(sent.hook);
    expect(messageText(note!.body)).toContain('bulk.txt');
    expect(note!.body.response_type).toBe('ephemeral');
    const upload = h.slack.uploads.find((u) => u.filename === 'bulk.txt')!;
    expect(upload.channel).toBe('D0ALICE');
    expect(upload.content.toString()).toContain('row-1999  value <1999> & more');
    expect(h.slack.callsTo('files.getUploadURLExternal')[0]!.args).toMatchObject({
      filename: 'bulk.txt',
      length: String(upload.content.length),
    });
    expect(h.slack.callsTo('conversations.open')[0]!.args.users).toBe(ALICE);
  });
});

describe('files for backup and restore', () => {
  it("uploads a backup to the requester's DM only, after the confirmation", async () => {
    h = await startSlackHarness({ extraCommands });
    const sent = await h.command('backup --public');
    const [prompt] = await h.waitPosts(sent.hook);
    const confirm = (prompt!.body.blocks as Json[]).find((b) => b.type === 'actions')!.elements[0];
    const c = await h.click(confirm.action_id);
    const [done] = await h.waitPosts(c.hook);
    expect(done!.body.replace_original).toBe(true);
    expect(messageText(done!.body)).toContain('plexus-backup.json');
    expect(messageText(done!.body)).toContain('direct messages');
    const upload = h.slack.uploads.find((u) => u.filename === 'plexus-backup.json')!;
    expect(upload.channel).toBe('D0ALICE');
    expect(upload.content.toString()).toContain('sk-backup-0123456789abcdefghij');
    const leaks = h.slack.seen().filter((s) => messageText(s).includes('sk-backup'));
    expect(leaks.map((s) => s.visibility)).toEqual(['requester']);
    expect(h.slack.seen().filter((s) => s.visibility === 'channel')).toEqual([]);
  });

  it('restores from a backup file shared in the DM: downloaded with the bot token, confirmed with a button', async () => {
    restored.length = 0;
    h = await startSlackHarness({ extraCommands });
    const content = Buffer.from('{"providers":{},"keys":{}}');
    const file = h.slack.addFile('plexus-backup.json', content, 'application/json');
    const sent = await h.dm('restore', { files: [file] });
    expect(sent.status).toBe(200);
    const prompt = await h.slack.waitFor(() => h!.slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'D0ALICE'));
    const confirm = (prompt.args.blocks as Json[]).find((b) => b.type === 'actions')!.elements[0];
    expect(restored).toEqual([]);
    const c = await h.click(confirm.action_id, { channel: 'D0ALICE', ephemeral: false });
    const [done] = await h.waitPosts(c.hook);
    expect(done!.body.replace_original).toBe(true);
    expect(messageText(done!.body)).toContain('Restored plexus-backup.json (26 bytes)');
    expect(restored.map(String)).toEqual([content.toString()]);
    // The prompt was in the DM itself: replaced there, nothing posted anywhere else.
    expect(h.slack.hookPosts.filter((p) => p.body.response_type === 'in_channel')).toEqual([]);
  });

  it('refuses a file Slack does not host, and runs nothing', async () => {
    restored.length = 0;
    h = await startSlackHarness({ extraCommands });
    await h.dm('restore', {
      files: [{ id: 'F1', name: 'evil.json', url_private_download: 'https://attacker.example/evil.json', size: 10, mode: 'hosted' }],
    });
    const said = await h.slack.waitFor(() => h!.slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'D0ALICE'));
    expect(messageText(said.args)).toContain('not hosted by Slack');
    expect(restored).toEqual([]);
  });
});

describe('posting to channels', () => {
  it('retries a post refused with 429 after Retry-After, losing nothing and keeping the order', async () => {
    h = await startSlackHarness();
    h.slack.rateLimitNext('chat.postMessage', 1);
    const posts = ['first', 'second', 'third'].map((t) => h!.handle.poster.post('C0ALERTS', reply({ blocks: [text(`${t} alert`)] })));
    const ids = await Promise.all(posts);
    const calls = h.slack.callsTo('chat.postMessage');
    expect(calls.map((c) => c.args.text)).toEqual(['first alert', 'first alert', 'second alert', 'third alert']);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(new Set(ids.map((i) => i.messageId)).size).toBe(3);
  });

  it('updates a posted message in place, and refuses to post a private reply', async () => {
    h = await startSlackHarness();
    const { messageId } = await h.handle.poster.post(
      OPS,
      reply({ title: 'Quota 80 %', severity: 'warning', blocks: [text('web-app at 80 %')] }),
    );
    await h.handle.poster.update(
      OPS,
      messageId,
      reply({ title: 'Quota back to normal', severity: 'success', blocks: [text('web-app at 20 %')] }),
    );
    const update = h.slack.callsTo('chat.update')[0]!;
    expect(update.args).toMatchObject({ channel: OPS, ts: messageId, text: '✔ Quota back to normal\n\nweb-app at 20 %' });
    await expect(h.handle.poster.post(OPS, reply({ private: true, blocks: [text('sk-secret')] }))).rejects.toThrow(/private/);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
  });
});
