/**
 * Splits a Reply into several messages that each fit a platform's limits.
 * Parts break between blocks where possible; a block too big for one message
 * is cut by table rows (each part repeats the header), by fields, by lines
 * and, for a single over-long line, by characters (at a space when one is
 * near). Nothing is dropped or repeated apart from table headers.
 */
import type { Block, Field, Reply } from './reply.js';
import { renderText } from './text.js';

export interface SplitLimits {
  /** Largest `measure` a part may have. */
  maxChars: number;
  /** Most blocks per part (counts `reply.blocks` only; reserve room for title/actions yourself). */
  maxBlocks?: number;
  /** Most rows per table block. */
  maxTableRows?: number;
}

/**
 * Size of one part in the platform's unit. Return Infinity (or anything above
 * maxChars) to reject a part for reasons of your own.
 */
export type Measure = (part: Reply) => number;

export const measureText: Measure = (part) => renderText(part).length;

/** A block that can be cut after its first `k` of `n` units (rows, fields, lines, characters). */
interface Cuttable {
  n: number;
  head(k: number): Block;
  tail(k: number): Block;
  /** Cut is by characters: prefer a break at whitespace. */
  chars?: string[];
  /** False for cuts that would not make progress (right after a ``` opener). */
  valid?: (k: number) => boolean;
}

const FENCE = /^\s*```/;

/** The ``` line of a fence still open after `lines`, if any. */
function openFence(lines: readonly string[]): string | undefined {
  let open: string | undefined;
  for (const l of lines) {
    if (FENCE.test(l)) open = open === undefined ? l.trim() : undefined;
  }
  return open;
}

/** Closes a ``` fence left open in `head` and reopens it in `tail`. */
function balanceFences(headLines: string[], tailLines: string[]): [string[], string[]] {
  const open = openFence(headLines);
  if (open === undefined) return [headLines, tailLines];
  return [
    [...headLines, '```'],
    [open, ...tailLines],
  ];
}

function stringCutter(s: string, make: (s: string) => Block, fences: boolean): Cuttable | undefined {
  const lines = s.split('\n');
  if (lines.length >= 2) {
    const parts = (k: number): [string[], string[]] => {
      const h = lines.slice(0, k);
      const t = lines.slice(k);
      return fences ? balanceFences(h, t) : [h, t];
    };
    const cut: Cuttable = {
      n: lines.length,
      head: (k) => make(parts(k)[0].join('\n')),
      tail: (k) => make(parts(k)[1].join('\n')),
    };
    if (fences) {
      cut.valid = (k) => {
        const h = lines.slice(0, k);
        return !(openFence(h) !== undefined && FENCE.test(h[h.length - 1] ?? ''));
      };
    }
    return cut;
  }
  const chars = Array.from(s);
  if (chars.length < 2) return undefined;
  return {
    n: chars.length,
    head: (k) => make(chars.slice(0, k).join('')),
    tail: (k) => make(chars.slice(k).join('')),
    chars,
  };
}

function cutter(b: Block): Cuttable | undefined {
  switch (b.type) {
    case 'table':
      if (b.rows.length < 2) return undefined;
      return {
        n: b.rows.length,
        head: (k) => ({ ...b, rows: b.rows.slice(0, k) }),
        tail: (k) => ({ ...b, rows: b.rows.slice(k) }),
      };
    case 'fields': {
      if (b.fields.length >= 2) {
        return {
          n: b.fields.length,
          head: (k) => ({ type: 'fields', fields: b.fields.slice(0, k) }),
          tail: (k) => ({ type: 'fields', fields: b.fields.slice(k) }),
        };
      }
      const only: Field | undefined = b.fields[0];
      if (!only) return undefined;
      return stringCutter(only.value, (value) => ({ type: 'fields', fields: [{ label: only.label, value }] }), false);
    }
    case 'code':
      return stringCutter(b.text, (text) => (b.lang ? { type: 'code', text, lang: b.lang } : { type: 'code', text }), false);
    case 'text':
      return stringCutter(b.text, (text) => ({ type: 'text', text }), true);
    case 'context':
      return stringCutter(b.text, (text) => ({ type: 'context', text }), false);
  }
}

function chunkTables(blocks: readonly Block[], maxRows: number | undefined): Block[] {
  if (maxRows === undefined || !Number.isFinite(maxRows)) return [...blocks];
  const size = Math.max(1, Math.floor(maxRows));
  const out: Block[] = [];
  for (const b of blocks) {
    if (b.type !== 'table' || b.rows.length <= size) {
      out.push(b);
      continue;
    }
    for (let i = 0; i < b.rows.length; i += size) out.push({ ...b, rows: b.rows.slice(i, i + size) });
  }
  return out;
}

/**
 * Largest k in [lo, hi] with ok(k), assuming ok is monotone (true, then
 * false); lo - 1 when none. Gallops up from lo first, so the cost follows
 * how much fits rather than how big the block is.
 */
function largest(lo: number, hi: number, ok: (k: number) => boolean): number {
  if (lo > hi || !ok(lo)) return lo - 1;
  let good = lo;
  let step = 1;
  let bad = hi + 1;
  while (good + step <= hi) {
    if (ok(good + step)) {
      good += step;
      step *= 2;
    } else {
      bad = good + step;
      break;
    }
  }
  let a = good + 1;
  let b = Math.min(hi, bad - 1);
  while (a <= b) {
    const mid = Math.floor((a + b) / 2);
    if (ok(mid)) {
      good = mid;
      a = mid + 1;
    } else {
      b = mid - 1;
    }
  }
  return good;
}

/**
 * Parts of `reply` that each measure at most `limits.maxChars` (and hold at
 * most maxBlocks blocks, maxTableRows rows per table). The title goes on the
 * first part only, actions and the file on the last only; `severity` and
 * `private` are kept on every part. A part can only exceed the limit when a
 * single unit cannot fit on its own (one table row, or the title or actions
 * alone being too long).
 */
export function splitReply(reply: Reply, limits: SplitLimits, measure: Measure = measureText): Reply[] {
  if (!(limits.maxChars > 0)) throw new RangeError('maxChars must be a positive number');
  const maxBlocks = limits.maxBlocks === undefined ? Infinity : Math.max(1, Math.floor(limits.maxBlocks));

  const makePart = (blocks: Block[], first: boolean, last: boolean): Reply => {
    const part: Reply = { severity: reply.severity, blocks };
    if (first && reply.title !== undefined) part.title = reply.title;
    if (reply.private !== undefined) part.private = reply.private;
    if (last && reply.actions !== undefined) part.actions = reply.actions;
    if (last && reply.file !== undefined) part.file = reply.file;
    return part;
  };
  const fits = (blocks: Block[], first: boolean, last: boolean): boolean =>
    blocks.length <= maxBlocks && measure(makePart(blocks, first, last)) <= limits.maxChars;

  const queue = chunkTables(reply.blocks, limits.maxTableRows);
  const parts: Block[][] = [[]];
  while (queue.length > 0) {
    const b = queue.shift() as Block;
    const last = queue.length === 0;
    const cur = parts[parts.length - 1] as Block[];
    const first = parts.length === 1;
    if (fits([...cur, b], first, last)) {
      cur.push(b);
      continue;
    }
    if (cur.length > 0 && fits([b], false, last)) {
      parts.push([b]);
      continue;
    }
    // Too big for any part: cut it, filling the current part as far as possible.
    const c = cur.length < maxBlocks ? cutter(b) : undefined;
    // A line is only cut by characters at the start of a fresh part, never to fill leftover room.
    if (c && !(c.chars && cur.length > 0)) {
      const valid = c.valid ?? (() => true);
      let k = largest(1, c.n - 1, (k) => valid(k) && fits([...cur, c.head(k)], first, false));
      if (k >= 1 && c.chars) {
        // Prefer to break after a space in the second half of what fits.
        for (let j = k - 1; j >= Math.ceil(k / 2); j--) {
          if (/\s/.test(c.chars[j] ?? '')) {
            k = j + 1;
            break;
          }
        }
      }
      if (k >= 1) {
        cur.push(c.head(k));
        queue.unshift(c.tail(k));
        continue;
      }
    }
    if (cur.length > 0) {
      parts.push([]);
      queue.unshift(b);
      continue;
    }
    // A fresh part cannot hold even one unit: send the smallest piece over the limit.
    let k = 1;
    while (c && k < c.n && c.valid && !c.valid(k)) k++;
    if (c && k < c.n) {
      cur.push(c.head(k));
      queue.unshift(c.tail(k));
    } else {
      cur.push(b);
    }
  }
  return parts.map((blocks, i) => makePart(blocks, i === 0, i === parts.length - 1));
}
