/** Plain-text rendering of a Reply, used by the console adapter (and for measuring). */
import { formatBytes } from './format.js';
import type { Action, Block, Field, Reply, Severity } from './reply.js';
import { displayWidth, layoutTable, padEnd } from './table.js';

export const SEVERITY_MARKERS: Record<Severity, string> = {
  info: '',
  success: '✔',
  warning: '⚠',
  error: '✖',
};

export const PRIVATE_MARKER = '(private)';
export const EMPTY_TABLE = '(no rows)';
const CODE_INDENT = '    ';

const indentLines = (s: string, prefix: string): string =>
  s
    .split('\n')
    .map((l) => (l === '' ? '' : prefix + l))
    .join('\n');

/** `label: value` lines with values aligned; continuation lines of a value are indented to match. */
export function renderFields(fields: readonly Field[]): string {
  if (fields.length === 0) return '';
  const width = Math.max(...fields.map((f) => displayWidth(f.label))) + 2;
  return fields
    .map((f) => {
      const [first = '', ...more] = f.value.split('\n');
      const head = `${padEnd(`${f.label}:`, width)}${first}`.trimEnd();
      return [head, ...more.map((l) => (l === '' ? '' : ' '.repeat(width) + l))].join('\n');
    })
    .join('\n');
}

export function renderBlockText(block: Block): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'fields':
      return renderFields(block.fields);
    case 'table':
      return layoutTable(block.columns, block.rows, { empty: EMPTY_TABLE });
    case 'code':
      return indentLines(block.text.replace(/\n+$/, ''), CODE_INDENT);
    case 'context':
      return block.text
        .split('\n')
        .map((l) => `· ${l}`.trimEnd())
        .join('\n');
  }
}

export const renderActionsText = (actions: readonly Action[]): string => actions.map((a) => `[${a.label}]`).join(' ');

/**
 * Title line (with ✔/⚠/✖ for success/warning/error), blocks separated by a
 * blank line, then the file and the actions. Private replies start with
 * "(private)"; without a title the markers lead the first line.
 */
export function renderText(reply: Reply): string {
  const prefix = [reply.private ? PRIVATE_MARKER : '', SEVERITY_MARKERS[reply.severity]].filter((s) => s !== '').join(' ');
  const sections: string[] = [];
  const title = reply.title?.trim();
  if (title) sections.push(prefix ? `${prefix} ${title}` : title);
  for (const b of reply.blocks) {
    const t = renderBlockText(b);
    if (t.trim() !== '') sections.push(t);
  }
  if (reply.file) {
    const size = reply.file.bytes === undefined ? '' : ` (${formatBytes(reply.file.bytes)})`;
    const where = reply.file.path ? ` → ${reply.file.path}` : '';
    sections.push(`file: ${reply.file.name}${size}${where}`);
  }
  if (reply.actions && reply.actions.length > 0) sections.push(renderActionsText(reply.actions));
  if (!title && prefix) {
    // Markers lead a first text line; before a table or code they get a line of their own.
    const firstType = reply.blocks.find((b) => renderBlockText(b).trim() !== '')?.type;
    if (sections.length > 0 && (firstType === 'text' || firstType === 'context')) sections[0] = `${prefix} ${sections[0]}`;
    else sections.unshift(prefix);
  }
  return sections.join('\n\n');
}
