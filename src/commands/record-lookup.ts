import { z } from 'zod';
import { BotError } from '../base/errors.js';
import { formatNumber } from '../render/format.js';

/** Where request-keyed records (usage rows, errors, debug traces) are read from. */
export interface RecordSource<T> {
  /** "usage record", "error", "debug trace". */
  what: string;
  /** The list command that shows ids, for hints. */
  listCommand: string;
  /** Newest first. */
  page(limit: number, offset: number): Promise<{ data: T[]; total: number }>;
  idOf(record: T): string | null | undefined;
  /** A lookup by full id, when the API has one; undefined when there is no such record. */
  exact?(id: string): Promise<T | undefined>;
  /** Without `exact`: the stand-in for a full id older than the search reached (it may still exist). */
  unseen?(id: string): T;
}

const FULL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const LATEST = 'latest';
const PAGE = 200;
/** How far back a prefix (or an id without a lookup route) is searched. */
export const SCAN_LIMIT = 1000;
const MIN_PREFIX = 4;

/** `<requestId>`: a full id, a unique prefix of one (lists show 8 characters), or `latest`. */
export const requestIdArg = (what = '<requestId>') =>
  z
    .string({ error: `missing ${what}` })
    .min(1, { error: `missing ${what}` })
    .refine((v) => v === LATEST || (v.length >= MIN_PREFIX && /^[A-Za-z0-9._:-]+$/.test(v)), {
      error: `expected a request id (at least ${MIN_PREFIX} characters of it) or "latest"`,
    });

/**
 * The record a user named: `latest`, an exact id, or a unique prefix among the
 * newest {@link SCAN_LIMIT}. Refuses, with what was searched, when nothing or
 * more than one record matches.
 */
export async function findRecord<T>(src: RecordSource<T>, input: string): Promise<T> {
  if (input === LATEST) {
    const first = (await src.page(1, 0)).data[0];
    if (!first) throw new BotError('INVALID_ARGS', `There is no ${src.what} yet, so there is no latest one.`);
    return first;
  }
  if (src.exact) {
    const hit = await src.exact(input);
    if (hit) return hit;
  }
  const matches: T[] = [];
  let scanned = 0;
  let total = 0;
  while (scanned < SCAN_LIMIT) {
    const page = await src.page(PAGE, scanned);
    total = page.total;
    for (const r of page.data) {
      const id = src.idOf(r) ?? '';
      if (id === input) return r;
      if (id.startsWith(input)) matches.push(r);
    }
    scanned += page.data.length;
    if (page.data.length < PAGE || scanned >= total) break;
  }
  if (matches.length === 1) return matches[0] as T;
  if (matches.length > 1) {
    const shown = matches.slice(0, 5).map((m) => `\`${src.idOf(m)}\``);
    throw new BotError(
      'INVALID_ARGS',
      `\`${input}\` matches ${matches.length} ${src.what}s: ${shown.join(', ')}${matches.length > 5 ? ', …' : ''}. Give more of the id.`,
    );
  }
  if (total === 0) throw new BotError('INVALID_ARGS', `There is no ${src.what} at all, so none with the request id \`${input}\`.`);
  const partial = total > scanned;
  if (partial && src.unseen && FULL_ID.test(input)) return src.unseen(input);
  const where = partial ? `the newest ${formatNumber(scanned)} of ${formatNumber(total)}` : `all ${formatNumber(total)}`;
  throw new BotError('INVALID_ARGS', `No ${src.what} has the request id \`${input}\` or one starting with it (searched ${where}).`, {
    hints: [`\`${src.listCommand}\` shows the ids.`],
  });
}
