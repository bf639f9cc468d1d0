import { z } from 'zod';

/**
 * Argument schemas that accept what the parser produces (strings) and what a
 * JSON body carries (typed values). Coercion is decided by the command's
 * schema, never guessed by the parser.
 */
const splitList = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  const items = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return items;
};

export const list = () => z.preprocess(splitList, z.array(z.string().min(1)));

export const int = (opts: { min?: number; max?: number } = {}) => {
  let s = z.coerce.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' });
  if (opts.min !== undefined) s = s.min(opts.min, { error: `must be at least ${opts.min}` });
  if (opts.max !== undefined) s = s.max(opts.max, { error: `must be at most ${opts.max}` });
  return s;
};

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

export const bool = () =>
  z.preprocess(
    (v) => {
      if (typeof v !== 'string') return v;
      const l = v.toLowerCase();
      if (TRUE.has(l)) return true;
      if (FALSE.has(l)) return false;
      return v;
    },
    z.boolean({ error: 'expected true or false' }),
  );

export const word = (what = 'a value') => z.string({ error: `missing ${what}` }).min(1, { error: `missing ${what}` });

/** A flag such as --cascade: present → true. */
export const flag = () => z.boolean().default(false);

export const args = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape);
