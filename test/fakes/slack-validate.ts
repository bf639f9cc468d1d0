/**
 * Slack's documented message limits, checked the way Slack refuses a
 * message (`invalid_blocks`, `msg_too_long`, `no_text`). Written from the
 * Block Kit reference, independently of the adapter's renderer.
 */
type Json = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function checkText(where: string, t: unknown, max: number, kinds: string[], problems: string[]): void {
  const o = t as Json | undefined;
  if (!o || !kinds.includes(str(o.type))) return void problems.push(`${where}: text object of type ${kinds.join('/')} expected`);
  const s = str(o.text);
  if (s.length < 1) problems.push(`${where}: empty text`);
  if (s.length > max) problems.push(`${where}: ${s.length} chars > ${max}`);
}

function checkButton(where: string, b: Json, ids: Set<string>, problems: string[]): void {
  const id = str(b.action_id);
  if (id.length > 255) problems.push(`${where}: action_id over 255 chars`);
  if (id && ids.has(id)) problems.push(`${where}: duplicate action_id ${id}`);
  ids.add(id);
  checkText(`${where}.text`, b.text, 75, ['plain_text'], problems);
  if (b.value !== undefined && str(b.value).length > 2000) problems.push(`${where}: value over 2000 chars`);
  if (b.style !== undefined && b.style !== 'primary' && b.style !== 'danger') problems.push(`${where}: bad style`);
  const c = b.confirm as Json | undefined;
  if (c) {
    checkText(`${where}.confirm.title`, c.title, 100, ['plain_text'], problems);
    checkText(`${where}.confirm.text`, c.text, 300, ['plain_text', 'mrkdwn'], problems);
    checkText(`${where}.confirm.confirm`, c.confirm, 30, ['plain_text'], problems);
    checkText(`${where}.confirm.deny`, c.deny, 30, ['plain_text'], problems);
  }
}

export function blockProblems(blocks: unknown): string[] {
  const problems: string[] = [];
  if (!Array.isArray(blocks)) return ['blocks: not an array'];
  if (blocks.length > 50) problems.push(`${blocks.length} blocks > 50`);
  if (JSON.stringify(blocks).length > 13_000) problems.push('blocks over ~13k characters');
  const actionIds = new Set<string>();
  const blockIds = new Set<string>();
  blocks.forEach((raw, i) => {
    const b = raw as Json;
    const where = `blocks[${i}]`;
    if (b.block_id !== undefined) {
      if (str(b.block_id).length > 255 || blockIds.has(str(b.block_id))) problems.push(`${where}: bad block_id`);
      blockIds.add(str(b.block_id));
    }
    switch (b.type) {
      case 'header':
        checkText(`${where}.text`, b.text, 150, ['plain_text'], problems);
        break;
      case 'section': {
        const fields = b.fields as unknown[] | undefined;
        if (b.text === undefined && !fields) problems.push(`${where}: section without text or fields`);
        if (b.text !== undefined) checkText(`${where}.text`, b.text, 3000, ['mrkdwn', 'plain_text'], problems);
        if (fields) {
          if (fields.length > 10) problems.push(`${where}: ${fields.length} fields > 10`);
          for (const [j, f] of fields.entries()) checkText(`${where}.fields[${j}]`, f, 2000, ['mrkdwn', 'plain_text'], problems);
        }
        break;
      }
      case 'context': {
        const els = (b.elements as Json[] | undefined) ?? [];
        if (els.length < 1 || els.length > 10) problems.push(`${where}: ${els.length} context elements`);
        for (const [j, e] of els.entries()) checkText(`${where}.elements[${j}]`, e, 3000, ['mrkdwn', 'plain_text'], problems);
        break;
      }
      case 'actions': {
        const els = (b.elements as Json[] | undefined) ?? [];
        if (els.length < 1 || els.length > 25) problems.push(`${where}: ${els.length} action elements`);
        for (const [j, e] of els.entries()) if (e.type === 'button') checkButton(`${where}.elements[${j}]`, e, actionIds, problems);
        break;
      }
      case 'divider':
        break;
      default:
        problems.push(`${where}: unknown block type ${String(b.type)}`);
    }
  });
  return problems;
}

/** The error Slack would answer for this message, or undefined when it would take it. */
export function messageError(msg: { text?: unknown; blocks?: unknown }): { error: string; problems?: string[] } | undefined {
  const text = str(msg.text);
  if (msg.blocks === undefined && text === '') return { error: 'no_text' };
  if (text.length > 40_000) return { error: 'msg_too_long' };
  if (msg.blocks !== undefined) {
    const problems = blockProblems(msg.blocks);
    if (problems.length > 0) return { error: 'invalid_blocks', problems };
  }
  return undefined;
}

/** All the visible text of a message (fallback text and every text in its blocks). */
export function messageText(msg: { text?: unknown; blocks?: unknown }): string {
  const parts = [str(msg.text)];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) k === 'text' && typeof x === 'string' ? parts.push(x) : walk(x);
  };
  walk(msg.blocks);
  return parts.join('\n');
}
