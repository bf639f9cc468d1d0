/** Monospace table layout, shared by the plain-text renderer and code-block tables. */
import type { TableColumn } from './reply.js';

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** User-perceived characters (grapheme clusters) of a string. */
export function graphemes(s: string): string[] {
  return Array.from(segmenter.segment(s), (x) => x.segment);
}

const WIDE = new RegExp(
  String.raw`[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF` +
    String.raw`\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1F64F}\u{1F900}-\u{1F9FF}\u{20000}-\u{3FFFD}]` +
    String.raw`|\p{Emoji_Presentation}|\uFE0F`,
  'u',
);
/** One column per UTF-16 unit: ASCII, Latin, general punctuation, arrows, box drawing, blocks. Segmenting is slow; skip it for these. */
const NARROW_SIMPLE = /^[\x20-\x7e\u00a0-\u02ff\u2000-\u200a\u2010-\u2027\u2030-\u205e\u2070-\u2bff]*$/;
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]+$/u;

/**
 * Columns a grapheme takes in a monospace font: 2 for CJK and emoji, 0 for
 * lone combining or control characters, 1 otherwise (block elements, arrows
 * and box drawing included).
 */
export function graphemeWidth(g: string): number {
  if (g === '' || ZERO.test(g)) return 0;
  return WIDE.test(g) ? 2 : 1;
}

export function displayWidth(s: string): number {
  if (NARROW_SIMPLE.test(s)) return s.length;
  let w = 0;
  for (const g of graphemes(s)) w += graphemeWidth(g);
  return w;
}

/** Cuts `s` to at most `max` columns, ending with '…' when something was cut. */
export function truncate(s: string, max: number): string {
  if (max <= 0) return '';
  if (displayWidth(s) <= max) return s;
  if (NARROW_SIMPLE.test(s)) return `${s.slice(0, max - 1)}…`;
  let out = '';
  let w = 0;
  for (const g of graphemes(s)) {
    const gw = graphemeWidth(g);
    if (w + gw > max - 1) break;
    out += g;
    w += gw;
  }
  return `${out}…`;
}

export function padEnd(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

export function padStart(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(s))) + s;
}

export interface TableLayoutOptions {
  /** Widest a column may be; longer cells end in '…'. Default 40. */
  maxColWidth?: number;
  /** Between columns. Default two spaces. */
  gap?: string;
  /** Character repeated under each header. Default '─'. */
  rule?: string;
  /** Line printed under the header when there are no rows. Default none. */
  empty?: string;
}

/** One line per cell: newlines and tabs become spaces. */
const flatten = (s: unknown): string =>
  String(s ?? '')
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/\t/g, ' ');

/**
 * Header, a rule, then one line per row; columns padded to the widest cell
 * (right-aligned columns padded on the left). Missing cells are blank, extra
 * cells are ignored; trailing spaces are trimmed.
 */
export function layoutTable(
  columns: readonly (TableColumn | string)[],
  rows: readonly (readonly string[])[],
  opts: TableLayoutOptions = {},
): string {
  const cols = columns.map((c) => (typeof c === 'string' ? { header: c } : c));
  if (cols.length === 0) return opts.empty ?? '';
  const maxW = Math.max(1, opts.maxColWidth ?? 40);
  const gap = opts.gap ?? '  ';
  const rule = opts.rule ?? '─';
  const header = cols.map((c) => truncate(flatten(c.header), maxW));
  const body = rows.map((r) => cols.map((_, i) => truncate(flatten(r[i]), maxW)));
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...body.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (cols[i]?.align === 'right' ? padStart(cell, widths[i] ?? 0) : padEnd(cell, widths[i] ?? 0)))
      .join(gap)
      .trimEnd();
  const out = [line(header), widths.map((w) => rule.repeat(w)).join(gap)];
  for (const r of body) out.push(line(r));
  if (body.length === 0 && opts.empty) out.push(opts.empty);
  return out.join('\n');
}

/** The first `max` rows and how many were left out. */
export function truncateRows<T>(rows: readonly T[], max: number): { rows: T[]; omitted: number } {
  const keep = Math.max(0, Number.isFinite(max) ? Math.floor(max) : rows.length);
  return { rows: rows.slice(0, keep), omitted: Math.max(0, rows.length - keep) };
}
