import { z } from 'zod';
import type { FieldValues } from '../core/open-fields.js';
import { isSecretField } from '../render/mask.js';
import { isRecord } from '../base/is-record.js';

export type { FieldSpec } from '../core/open-fields.js';

/**
 * Args of a command with open name=value fields (declared with `fields` on the
 * command): the named positionals, then `fields` as the pipeline collected them.
 * The schema itself takes any other name, which tells adapters the command is open.
 */
export const openArgs = <T extends z.ZodRawShape>(positionals: T) =>
  z.object(positionals).catchall(z.unknown()) as unknown as z.ZodType<z.infer<z.ZodObject<T>> & { fields: FieldValues }>;

/** `before` with `patch` applied the way the user meant it: dotted fields merged into the current object. */
export function mergeDotted(before: Record<string, unknown>, collected: FieldValues): Record<string, unknown> {
  const out = { ...collected.body };
  for (const field of collected.dotted) {
    const current = before[field];
    const given = out[field];
    if (isRecord(current) && isRecord(given)) out[field] = deepMerge(current, given);
  }
  return out;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = isRecord(cur) && isRecord(v) ? deepMerge(cur, v) : v;
  }
  return out;
}

/** True when a body carries a secret anywhere (an API key): the answer then goes to the requester only. */
export function carriesSecret(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(carriesSecret);
  if (!isRecord(v)) return false;
  return Object.entries(v).some(([k, x]) => (isSecretField(k) && x !== null && x !== '') || carriesSecret(x));
}
