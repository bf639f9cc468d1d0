import { describe, expect, it } from 'vitest';
import { actionIdOf, escapeMrkdwn, renderBlockKit, splitForSlack } from '../adapters/slack/block-kit.js';
import { code, context, fields, reply, table, text, type Reply } from '../src/render/reply.js';
import { renderText } from '../src/render/text.js';
import { blockProblems, messageError, messageText } from './fakes/slack-validate.js';

type Json = Record<string, any>;
const blocksOf = (r: Reply) => renderBlockKit(r).blocks as Json[];

describe('Block Kit renderer', () => {
  it('renders title, text, fields, table, code and context as header, sections and context', () => {
    const r = reply({
      title: 'Provider openai',
      severity: 'success',
      blocks: [
        text('Enabled `openai`.'),
        fields([
          { label: 'Models', value: '3' },
          { label: 'Base', value: 'api.openai.com' },
        ]),
        table(['slug', { header: 'models', align: 'right' }], [['openai', '3']]),
        code('{"a":1}', 'json'),
        context('by <@U0ALICE>'),
      ],
    });
    const b = blocksOf(r);
    expect(b.map((x) => x.type)).toEqual(['header', 'section', 'section', 'section', 'section', 'context']);
    expect(b[0]!.text).toEqual({ type: 'plain_text', text: '✅ Provider openai', emoji: true });
    expect(b[1]!.text).toEqual({ type: 'mrkdwn', text: 'Enabled `openai`.' });
    expect(b[2]!.fields.map((f: Json) => f.text)).toEqual(['*Models*\n3', '*Base*\napi.openai.com']);
    expect(b[3]!.text.text).toMatch(/^```\nslug\s+models\n[─ ]+\nopenai\s+3\n```$/);
    expect(b[4]!.text.text).toBe('```\n{"a":1}\n```');
    expect(b[5]!.elements[0].text).toBe('by <@U0ALICE>');
    expect(renderBlockKit(r).text).toBe(escapeMrkdwn(renderText(r)));
  });

  it('escapes &, < and > so server and user text cannot link, mention or broadcast', () => {
    const r = reply({ blocks: [text('a <!channel> & <https://evil.example|click> by <@U0ALICE>'), code('x < y && y > z')] });
    const b = blocksOf(r);
    expect(b[0]!.text.text).toBe('a &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt; by <@U0ALICE>');
    expect(b[1]!.text.text).toBe('```\nx &lt; y &amp;&amp; y &gt; z\n```');
    expect(renderBlockKit(r).text).not.toContain('<!channel>');
  });

  it('marks severity without a title on the first text, or on a line of its own', () => {
    expect(blocksOf(reply({ severity: 'error', blocks: [text('Nope.')] }))[0]!.text.text).toBe('❌ Nope.');
    const b = blocksOf(reply({ severity: 'warning', blocks: [table(['a'], [['1']])] }));
    expect(b[0]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '⚠️' }] });
  });

  it('puts at most 10 fields in a section and keeps a long header within 150 characters', () => {
    const many = Array.from({ length: 23 }, (_, i) => ({ label: `f${i}`, value: String(i) }));
    const b = blocksOf(reply({ title: 'T'.repeat(400), blocks: [fields(many)] }));
    expect(b[0]!.text.text.length).toBeLessThanOrEqual(150);
    expect(b.slice(1).map((s) => s.fields.length)).toEqual([10, 10, 3]);
  });

  it('turns actions into buttons: ids, danger style and the native confirm dialog', () => {
    const r = reply({
      blocks: [text('Delete?')],
      actions: [
        { id: 'confirm:abc', label: 'Confirm', style: 'danger', confirmText: '3 alias targets will be removed.' },
        { id: 'cancel:abc', label: 'Cancel', style: 'default' },
        { id: `run:${'usage list '.repeat(40)}`, label: 'Next page', style: 'primary' },
      ],
    });
    const actions = blocksOf(r).find((x) => x.type === 'actions')!;
    const [confirm, cancel, next] = actions.elements as Json[];
    expect(confirm).toMatchObject({
      type: 'button',
      action_id: 'confirm:abc',
      style: 'danger',
      confirm: { style: 'danger', text: { text: '3 alias targets will be removed.' } },
    });
    expect(cancel!.style).toBeUndefined();
    expect(cancel!.confirm).toBeUndefined();
    // Too long for action_id: a placeholder, the id rides in value and comes back from actionIdOf.
    expect(next!.action_id).toBe('long:2');
    expect(actionIdOf(next as { action_id: string; value: string })).toBe(`run:${'usage list '.repeat(40)}`);
    expect(actionIdOf({ action_id: 'confirm:abc', value: 'confirm:abc' })).toBe('confirm:abc');
    expect(blockProblems(blocksOf(r))).toEqual([]);
  });

  it('clips an unsplit over-long reply into a valid message', () => {
    const r = reply({
      title: 'Huge',
      blocks: [text('word '.repeat(3000)), code('x'.repeat(5000)), ...Array.from({ length: 80 }, (_, i) => context(`c${i}`))],
    });
    const m = renderBlockKit(r);
    expect(messageError(m)).toBeUndefined();
  });
});

describe('splitting for Slack', () => {
  const rows = Array.from({ length: 600 }, (_, i) => [`key-${i}`, `${i * 37} tokens`, i % 3 ? 'ok' : 'limited <soon> & more']);
  const big = reply({
    title: 'Usage',
    severity: 'warning',
    blocks: [
      text('intro '.repeat(900)),
      table(['key', 'used', 'state'], rows),
      fields(Array.from({ length: 35 }, (_, i) => ({ label: `L${i}`, value: 'v'.repeat(300) }))),
      context('end'),
    ],
    actions: [{ id: 'run:usage list offset=600', label: 'Next page', style: 'primary' }],
  });

  it('cuts a big reply into messages that each keep every Slack limit, losing nothing', () => {
    const parts = splitForSlack(big);
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts) expect(messageError(renderBlockKit(p))).toBeUndefined();
    const all = parts.map((p) => messageText(renderBlockKit(p))).join('\n');
    for (const i of [0, 299, 599]) expect(all).toContain(`key-${i} `);
    expect(all).toContain('limited &lt;soon&gt; &amp; more');
    expect(all).toContain('L34');
    // The title opens the first part only; the button closes the last one only.
    expect(renderBlockKit(parts[0]!).blocks[0]!.type).toBe('header');
    expect(parts.slice(0, -1).every((p) => !p.actions)).toBe(true);
    expect(parts.at(-1)!.actions).toHaveLength(1);
  });

  it('leaves a reply that fits as one message', () => {
    expect(splitForSlack(reply({ title: 'Small', blocks: [text('hi')] }))).toHaveLength(1);
  });
});
