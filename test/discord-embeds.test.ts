import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { PRIVATE_NOTE, ReplyStream } from '../adapters/discord/delivery.js';
import { actionCustomId, renderReply, SEVERITY_COLORS, splitForDiscord } from '../adapters/discord/embeds.js';
import { ActionRefs, MAX_MESSAGES, messagesFor, type OutgoingMessage } from '../adapters/discord/messages.js';
import { code, context, fields, reply, table, text, type Reply } from '../src/render/reply.js';
import { messageProblems } from './fakes/discord-validate.js';

const rows = (n: number) => Array.from({ length: n }, (_, i) => [`row-${String(i).padStart(4, '0')}`, 'x'.repeat(40), String(i * 7)]);

describe('embed renderer', () => {
  it('colours by severity, keeps blocks in reading order and puts trailing context in the footer', () => {
    const m = renderReply(
      reply({
        title: 'Provider openai disabled',
        severity: 'success',
        blocks: [
          fields([{ label: 'Enabled', value: 'yes → no' }]),
          text('Routing stops sending it traffic.'),
          table(['a', { header: 'n', align: 'right' }], [['x', '1']]),
          context('by `alice`'),
        ],
      }),
    );
    expect(m.embeds).toHaveLength(2);
    expect(m.embeds[0]).toMatchObject({
      title: '✔ Provider openai disabled',
      color: SEVERITY_COLORS.success,
      fields: [{ name: 'Enabled', value: 'yes → no', inline: true }],
    });
    expect(m.embeds[1]?.description).toBe('Routing stops sending it traffic.\n\n```\na  n\n─  ─\nx  1\n```');
    expect(m.embeds[1]?.footer?.text).toBe('by alice');
    expect(m.components).toEqual([]);
    expect(messageProblems(m)).toEqual([]);
  });

  it('puts fields that are too long for embed fields in the description, and shows context inside as subtext', () => {
    const m = renderReply(
      reply({ blocks: [fields([{ label: 'Body', value: 'y'.repeat(1500) }]), context('note'), code('a ``` b', 'json')] }),
    );
    expect(m.embeds[0]?.fields).toBeUndefined();
    expect(m.embeds[0]?.description).toContain('**Body:** yyy');
    expect(m.embeds[0]?.description).toContain('-# note');
    expect(m.embeds[0]?.description).toContain('```json\na `\u200b`` b\n```');
  });

  it('makes buttons: styles, at most 5 rows of 5, ids within 100 characters', async () => {
    const long = `run:usage list ${'provider=openai '.repeat(10)}`;
    const r = reply({
      blocks: [text('pick')],
      actions: [
        { id: 'confirm:abc', label: 'Confirm', style: 'danger' },
        { id: 'cancel:abc', label: 'Cancel', style: 'default' },
        { id: long, label: 'Next page', style: 'primary' },
        ...Array.from({ length: 30 }, (_, i) => ({ id: `snooze:${i}`, label: `S${i}`, style: 'default' as const })),
      ],
    });
    const m = renderReply(r);
    expect(m.components).toHaveLength(5);
    expect(m.components.every((row) => row.components.length <= 5)).toBe(true);
    expect(m.components[0]?.components.slice(0, 3).map((b) => [b.style, b.custom_id.length <= 100])).toEqual([
      [4, true],
      [2, true],
      [1, true],
    ]);
    const refs = new ActionRefs();
    await refs.remember(r.actions);
    expect(await refs.resolve(m.components[0]!.components[2]!.custom_id)).toBe(long);
    expect(await refs.resolve('ref:unknown')).toBe('ref:unknown');
    expect(actionCustomId('confirm:abc')).toBe('confirm:abc');
    expect(messageProblems(m)).toEqual([]);
  });
});

describe('splitting over messages', () => {
  const big: Reply = reply({
    title: 'Usage records',
    blocks: [
      text('intro '.repeat(200)),
      table(['id', 'text', 'n'], rows(400)),
      fields(Array.from({ length: 40 }, (_, i) => ({ label: `f${i}`, value: `v${i}` }))),
      context('Next page: `usage list offset=400`'),
    ],
    actions: [{ id: 'run:usage list offset=400', label: 'Next page', style: 'primary' }],
  });

  it('cuts a long answer into messages that each pass Discord validation, dropping nothing', () => {
    const parts = splitForDiscord(big);
    expect(parts.length).toBeGreaterThan(3);
    const messages = parts.map(renderReply);
    for (const m of messages) expect(messageProblems(m)).toEqual([]);
    const all = messages.map((m) => JSON.stringify(m)).join('');
    for (let i = 0; i < 400; i++) expect(all).toContain(`row-${String(i).padStart(4, '0')}`);
    expect(messages[0]?.embeds[0]?.title).toBe('Usage records');
    expect(messages.slice(1).every((m) => m.embeds.every((e) => e.title === undefined))).toBe(true);
    expect(messages.slice(0, -1).every((m) => m.components.length === 0)).toBe(true);
    expect(messages.at(-1)?.components).toHaveLength(1);
  });

  it('sends a few messages as they are, and more as the first part with the whole text attached', () => {
    const few = messagesFor(reply({ blocks: [table(['id', 'text', 'n'], rows(150))] }));
    expect(few.length).toBeGreaterThan(1);
    expect(few.length).toBeLessThanOrEqual(MAX_MESSAGES);
    expect(few.every((m) => !m.files)).toBe(true);

    const many = messagesFor(big);
    expect(many).toHaveLength(1);
    expect(messageProblems(many[0])).toEqual([]);
    expect(many[0]?.content).toMatch(/full answer \(\d+ parts\) is attached/);
    expect(many[0]?.files?.[0]?.data.toString('utf8')).toContain('row-0399');
    expect(many[0]?.components).toHaveLength(1);
  });

  it("attaches the reply's file to the last message, or says it is too large", () => {
    const r = reply({
      title: 'Backup',
      blocks: [text('done')],
      file: { name: 'b.json', content: Buffer.from('{}'), contentType: 'application/json' },
    });
    expect(messagesFor(r).at(-1)?.files).toEqual([{ name: 'b.json', data: Buffer.from('{}'), contentType: 'application/json' }]);
    const tooBig = messagesFor(r, { fileLimit: 1 });
    expect(tooBig.at(-1)?.files).toBeUndefined();
    expect(tooBig.at(-1)?.content).toContain('larger than Discord accepts here');
  });
});

describe('private answers', () => {
  const target = (ephemeral: boolean) => {
    const log: { to: 'first' | 'next'; ephemeral: boolean; m: OutgoingMessage }[] = [];
    return {
      log,
      t: {
        ephemeral,
        first: async (m: OutgoingMessage) => void log.push({ to: 'first', ephemeral, m }),
        next: async (m: OutgoingMessage, eph: boolean) => void log.push({ to: 'next', ephemeral: eph, m }),
      },
    };
  };
  const secret = reply({
    title: 'Key created',
    private: true,
    blocks: [fields([{ label: 'Secret', value: 'sk-plexus-0123456789abcdef' }])],
  });
  const opts = { refs: new ActionRefs(), logger: pino({ level: 'silent' }) };

  it('never lands in a public message: the public one gets a note, the answer goes to the caller alone', async () => {
    const { log, t } = target(false);
    await new ReplyStream(t, opts).send(secret);
    expect(log.map((x) => [x.to, x.ephemeral])).toEqual([
      ['first', false],
      ['next', true],
    ]);
    expect(JSON.stringify(log[0]!.m)).not.toContain('sk-plexus');
    expect(log[0]!.m).toEqual(messagesFor(PRIVATE_NOTE)[0]);
    expect(JSON.stringify(log[0]!.m)).toContain('sent only to you');
  });

  it('fills an ephemeral response directly, and keeps progress updates in order', async () => {
    const { log, t } = target(true);
    const stream = new ReplyStream(t, opts);
    void stream.send(reply({ blocks: [text('line 1')] }));
    void stream.send(reply({ blocks: [text('line 2')] }));
    await stream.send(secret);
    expect(log.map((x) => [x.to, x.ephemeral])).toEqual([
      ['first', true],
      ['next', true],
      ['next', true],
    ]);
    expect(log.map((x) => x.m.embeds[0]?.description ?? x.m.embeds[0]?.title)).toEqual(['line 1', 'line 2', 'Key created']);
  });
});
