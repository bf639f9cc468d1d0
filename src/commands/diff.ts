import { isSecretField } from '../render/mask.js';
import type { Block } from '../render/reply.js';
import { changeBlock, showValue } from './changes.js';
import { isRecord } from '../base/is-record.js';

const MAX_LINES = 30;
const MAX_DEPTH = 4;

const UNSET = Symbol('unset');
type Change = [path: string, before: unknown, after: unknown];

/** Differences by dotted path, descending into objects both sides have; a subtree only one side has is one change. */
function compare(a: unknown, b: unknown, path: string, depth: number, out: Change[]): Change[] {
  if (isRecord(a) && isRecord(b) && depth < MAX_DEPTH) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const p = path ? `${path}.${k}` : k;
      if (!(k in a)) out.push([p, UNSET, b[k]]);
      else if (!(k in b)) out.push([p, a[k], UNSET]);
      else compare(a[k], b[k], p, depth + 1, out);
    }
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push([path || '(value)', a, b]);
  }
  return out;
}

/** The segment that makes a path secret (`quota_checker.options.apiKey` → `apiKey`), else the last one. */
function maskingName(path: string): string {
  const parts = path.split('.');
  return parts.find((p) => isSecretField(p)) ?? parts[parts.length - 1] ?? path;
}

/**
 * `path: before → after` for every leaf that differs between two versions of
 * an object, nested fields by dotted path (`quota_checker.intervalMinutes`).
 * Values are compared raw and shown masked (a secret's change shows as
 * `••••abcd → ••••wxyz`); `skip` leaves out top-level fields (`name`, `slug`).
 */
export function diffLines(before: unknown, after: unknown, skip: readonly string[] = []): string[] {
  const lines = compare(before, after, '', 0, [])
    .filter(([p]) => !skip.includes(p.split('.')[0] ?? p))
    .map(([p, x, y]) => {
      const field = maskingName(p);
      const was = x === UNSET ? '(unset)' : showValue(x, field);
      const now = y === UNSET ? '(unset)' : showValue(y, field);
      // Two short secrets both mask to "••••": say that it changed all the same.
      return `${p}: ${was} → ${now}${was === now ? ' (changed)' : ''}`;
    });
  if (lines.length > MAX_LINES)
    return [
      ...lines.slice(0, MAX_LINES),
      `… and ${lines.length - MAX_LINES} more changes (\`--json\` on the get command shows all fields)`,
    ];
  return lines;
}

/** The before → after block of a write, or a note that the server state did not change. */
export function diffBlock(before: unknown, after: unknown, skip: readonly string[] = [], nothing?: string): Block {
  return changeBlock(diffLines(before, after, skip), nothing ?? 'Nothing changed: Plexus already had these values.');
}
