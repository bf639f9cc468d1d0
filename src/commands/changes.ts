import type { Actor } from '../core/actor.js';
import { DASH } from '../render/format.js';
import { isSecretField, maskDeep, maskSecret } from '../render/mask.js';
import { context, type Block } from '../render/reply.js';
import { truncate } from '../render/table.js';

const MAX_VALUE = 160;

/** 100,101,…,199,300 → "100–199, 300": long lists of status codes stay readable. */
export function numberRanges(ns: readonly number[]): string {
  const sorted = [...new Set(ns)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

const clip = (s: string): string => truncate(s, MAX_VALUE);

/** One setting's value for a person: lists joined, long number lists as ranges, objects as compact JSON (secrets masked). */
export function showValue(v: unknown, field = ''): string {
  if (v === undefined || v === null) return DASH;
  if (field && isSecretField(field)) return typeof v === 'string' ? maskSecret(v) : '••••';
  if (typeof v === 'string') return v === '' ? '""' : clip(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.length > 8 && v.every((x) => typeof x === 'number' && Number.isInteger(x)))
      return `${v.length} values: ${numberRanges(v as number[])}`;
    if (v.every((x) => typeof x === 'string' || typeof x === 'number')) return clip(v.join(', '));
  }
  return clip(JSON.stringify(maskDeep(v)));
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** `field: before → after` for each field that differs (all fields of both when `fields` is not given). */
export function changeLines(before: Record<string, unknown>, after: Record<string, unknown>, fields?: readonly string[]): string[] {
  const names = fields ?? [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return names.filter((f) => !same(before[f], after[f])).map((f) => `${f}: ${showValue(before[f], f)} → ${showValue(after[f], f)}`);
}

/** The change lines as one block, or a note that nothing changed. */
export function changeBlock(lines: string[], nothing = 'Nothing changed: the values were already set.'): Block {
  return lines.length > 0 ? { type: 'text', text: lines.join('\n') } : context(nothing);
}

export const byActor = (actor: Actor): Block => context(`by ${actor.displayName ?? actor.userId}`);

export const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Drops undefined fields (optional args the user did not give). */
export const defined = <T extends Record<string, unknown>>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
