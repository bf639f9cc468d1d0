import { describe, expect, it } from 'vitest';
import { code, context, fields, reply, table, text } from '../src/render/reply.js';
import type { Action, Block, Reply } from '../src/render/reply.js';
import { measureText, splitReply } from '../src/render/split.js';
import { renderText } from '../src/render/text.js';

const actions: Action[] = [
  { id: 'confirm:t', label: 'Confirm', style: 'danger' },
  { id: 'cancel:t', label: 'Cancel', style: 'default' },
];

const rows = (n: number, width = 12): string[][] =>
  Array.from({ length: n }, (_, i) => [`row-${String(i).padStart(3, '0')}`, 'x'.repeat(width), String(i)]);

const tableRows = (parts: Reply[]): string[][] => parts.flatMap((p) => p.blocks.flatMap((b) => (b.type === 'table' ? b.rows : [])));

/** Invariants every split must keep. */
function expectWellFormed(original: Reply, parts: Reply[], maxChars: number): void {
  expect(parts.length).toBeGreaterThan(0);
  parts.forEach((p, i) => {
    expect(measureText(p), `part ${i + 1}/${parts.length}:\n${renderText(p)}`).toBeLessThanOrEqual(maxChars);
    expect(p.severity).toBe(original.severity);
    expect(p.private).toBe(original.private);
    expect(p.title).toBe(i === 0 ? original.title : undefined);
    expect(p.actions).toBe(i === parts.length - 1 ? original.actions : undefined);
    expect(p.file).toBe(i === parts.length - 1 ? original.file : undefined);
  });
}

describe('splitReply', () => {
  it('returns one identical part when everything fits', () => {
    const r = reply({ title: 'Small', severity: 'warning', private: true, blocks: [text('a'), table(['A'], [['1']])], actions });
    const parts = splitReply(r, { maxChars: 1000 });
    expect(parts).toEqual([r]);
  });

  it('fits exactly at the limit and splits one character over', () => {
    const r = reply({ title: 'Title', blocks: [text('first block'), text('second block')], actions });
    const size = measureText(r);
    expect(splitReply(r, { maxChars: size })).toHaveLength(1);
    const over = splitReply(r, { maxChars: size - 1 });
    expect(over).toHaveLength(2);
    expectWellFormed(r, over, size - 1);
    expect(over[0]?.blocks).toEqual([text('first block')]);
    expect(over[1]?.blocks).toEqual([text('second block')]);
  });

  it('splits a big table by rows, repeating the header, losing nothing', () => {
    const all = rows(200);
    const r = reply({
      title: 'Usage',
      severity: 'info',
      private: true,
      blocks: [text('Last 24 h'), table(['Key', 'Model', { header: 'Reqs', align: 'right' }], all)],
      actions,
    });
    for (const maxChars of [300, 1000, 3000]) {
      const parts = splitReply(r, { maxChars });
      expect(parts.length).toBeGreaterThan(1);
      expectWellFormed(r, parts, maxChars);
      expect(tableRows(parts)).toEqual(all);
      for (const p of parts) {
        for (const b of p.blocks) {
          if (b.type === 'table') expect(renderText({ severity: 'info', blocks: [b] }).split('\n')[0]).toBe('Key      Model         Reqs');
        }
      }
    }
  });

  it('honours maxTableRows and maxBlocks', () => {
    const all = rows(95);
    const r = reply({ blocks: [text('a'), text('b'), text('c'), table(['K', 'M', 'N'], all), text('d')] });
    const parts = splitReply(r, { maxChars: 100_000, maxTableRows: 20, maxBlocks: 2 });
    expectWellFormed(r, parts, 100_000);
    for (const p of parts) {
      expect(p.blocks.length).toBeLessThanOrEqual(2);
      for (const b of p.blocks) if (b.type === 'table') expect(b.rows.length).toBeLessThanOrEqual(20);
    }
    expect(tableRows(parts)).toEqual(all);
    const texts = parts.flatMap((p) => p.blocks.flatMap((b) => (b.type === 'text' ? [b.text] : [])));
    expect(texts).toEqual(['a', 'b', 'c', 'd']);
  });

  it('splits long text and code at line boundaries', () => {
    const lines = Array.from({ length: 120 }, (_, i) => `line ${i} ${'-'.repeat(i % 17)}`);
    const r = reply({ title: 'Log', blocks: [text(lines.join('\n')), code(lines.join('\n'), 'json')], actions });
    const parts = splitReply(r, { maxChars: 400 });
    expectWellFormed(r, parts, 400);
    const textLines = parts.flatMap((p) => p.blocks.flatMap((b) => (b.type === 'text' ? b.text.split('\n') : [])));
    const codeBlocks = parts.flatMap((p) => p.blocks.filter((b): b is Extract<Block, { type: 'code' }> => b.type === 'code'));
    expect(textLines).toEqual(lines);
    expect(codeBlocks.flatMap((b) => b.text.split('\n'))).toEqual(lines);
    expect(codeBlocks.every((b) => b.lang === 'json')).toBe(true);
  });

  it('cuts a single over-long line by characters, at spaces when it can', () => {
    const words = Array.from({ length: 300 }, (_, i) => `word${i}`);
    const line = words.join(' ');
    const r = reply({ blocks: [text(line)] });
    const parts = splitReply(r, { maxChars: 200 });
    expectWellFormed(r, parts, 200);
    const pieces = parts.flatMap((p) => p.blocks.map((b) => (b.type === 'text' ? b.text : '')));
    expect(pieces.join('')).toBe(line);
    // no word is cut in half
    for (const piece of pieces.slice(0, -1)) expect(piece.endsWith(' ')).toBe(true);

    const noSpaces = '🔑'.repeat(500);
    const parts2 = splitReply(reply({ blocks: [code(noSpaces)] }), { maxChars: 150 });
    const joined = parts2.map((p) => (p.blocks[0]?.type === 'code' ? p.blocks[0].text : '')).join('');
    expect(joined).toBe(noSpaces);
    for (const p of parts2) expect(measureText(p)).toBeLessThanOrEqual(150);
  });

  it('splits a fields block by fields and a huge field value', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ label: `Field ${i}`, value: `value ${i}` }));
    const huge = { label: 'Note', value: Array.from({ length: 60 }, (_, i) => `note line ${i}`).join('\n') };
    const r = reply({ title: 'Details', blocks: [fields(many), fields([huge])] });
    const parts = splitReply(r, { maxChars: 250 });
    expectWellFormed(r, parts, 250);
    const got = parts.flatMap((p) => p.blocks.flatMap((b) => (b.type === 'fields' ? b.fields : [])));
    expect(got.filter((f) => f.label !== 'Note')).toEqual(many);
    expect(
      got
        .filter((f) => f.label === 'Note')
        .map((f) => f.value)
        .join('\n'),
    ).toBe(huge.value);
  });

  it('keeps ``` fences balanced in every text part', () => {
    const body = Array.from({ length: 80 }, (_, i) => `  "k${i}": ${i},`).join('\n');
    const r = reply({ blocks: [text(`Before\n\`\`\`json\n${body}\n\`\`\`\nAfter`)] });
    const parts = splitReply(r, { maxChars: 300 });
    expect(parts.length).toBeGreaterThan(2);
    expectWellFormed(r, parts, 300);
    for (const p of parts) {
      const t = p.blocks[0]?.type === 'text' ? p.blocks[0].text : '';
      const fences = t.split('\n').filter((l) => l.startsWith('```'));
      expect(fences.length % 2).toBe(0);
    }
    const content = parts
      .flatMap((p) => (p.blocks[0]?.type === 'text' ? p.blocks[0].text.split('\n') : []))
      .filter((l) => !l.startsWith('```'));
    expect(content).toEqual(['Before', ...body.split('\n'), 'After']);
  });

  it('moves the last block on when the actions would overflow', () => {
    const r = reply({ blocks: [text('a'.repeat(50)), text('b'.repeat(50))], actions });
    const withoutActions = measureText({ ...r, actions: undefined });
    const parts = splitReply(r, { maxChars: withoutActions });
    expectWellFormed(r, parts, withoutActions);
    expect(parts.at(-1)?.actions).toBe(actions);
    expect(parts.at(-1)?.blocks.length).toBeGreaterThan(0);
  });

  it('uses a custom measure', () => {
    const r = reply({ title: 'T', blocks: Array.from({ length: 10 }, (_, i) => text(`block ${i}`)) });
    // e.g. a platform that counts JSON payload size
    const measure = (p: Reply): number => JSON.stringify(p).length;
    const parts = splitReply(r, { maxChars: 200 }, measure);
    for (const p of parts) expect(measure(p)).toBeLessThanOrEqual(200);
    expect(parts.flatMap((p) => p.blocks)).toEqual(r.blocks);
  });

  it('still terminates and keeps everything when a single row cannot fit', () => {
    const all = rows(5, 200);
    const r = reply({ title: 'x'.repeat(300), blocks: [table(['A', 'B', 'C'], all)], actions });
    const parts = splitReply(r, { maxChars: 100 });
    expect(tableRows(parts)).toEqual(all);
    expect(parts[0]?.title).toBe(r.title);
    expect(parts.at(-1)?.actions).toBe(actions);
  });

  it('handles replies without blocks and empty tables', () => {
    expect(splitReply(reply({ title: 'Done', severity: 'success', actions }), { maxChars: 10 })).toEqual([
      reply({ title: 'Done', severity: 'success', actions }),
    ]);
    const empty = reply({ blocks: [table(['A'], [])] });
    expect(splitReply(empty, { maxChars: 100 })).toEqual([empty]);
  });

  it('rejects a nonsensical limit', () => {
    expect(() => splitReply(reply(), { maxChars: 0 })).toThrow(RangeError);
    expect(() => splitReply(reply(), { maxChars: NaN })).toThrow(RangeError);
  });

  it('keeps its invariants on random replies', () => {
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 60; round++) {
      let id = 0;
      const blocks: Block[] = [];
      const nBlocks = 1 + rand(6);
      for (let b = 0; b < nBlocks; b++) {
        const kind = rand(4);
        const lines = Array.from({ length: 1 + rand(25) }, () => `u${id++} ${'z'.repeat(rand(30))}`);
        if (kind === 0)
          blocks.push(
            table(
              ['Id', { header: 'Value', align: 'right' }],
              lines.map((l) => l.split(' ') as [string, string]),
            ),
          );
        else if (kind === 1) blocks.push(text(lines.join('\n')));
        else if (kind === 2) blocks.push(code(lines.join('\n')));
        else blocks.push(context(lines.join('\n')));
      }
      const r = reply({ title: `Round ${round}`, severity: 'warning', private: round % 2 === 0, blocks, ...(rand(2) ? { actions } : {}) });
      const maxChars = 120 + rand(600);
      const parts = splitReply(r, { maxChars, maxBlocks: 1 + rand(5), maxTableRows: 1 + rand(15) });
      expectWellFormed(r, parts, maxChars);
      const units = (bs: Block[]): string[] =>
        bs.flatMap((b) => (b.type === 'table' ? b.rows.map((row) => row.join(' ')) : 'text' in b ? b.text.split('\n') : []));
      expect(units(parts.flatMap((p) => p.blocks))).toEqual(units(r.blocks));
    }
  });
});
