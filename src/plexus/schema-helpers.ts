import { z } from 'zod';

/** A number, also accepted as a numeric string (Postgres numerics arrive as strings). */
export const numberLike = z.union(
  [
    z.number(),
    z
      .string()
      .regex(/^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/, 'expected a number')
      .transform(Number),
  ],
  { error: 'expected a number' },
);

/** A boolean, also accepted as 0/1 (SQLite). */
export const boolLike = z.union([z.boolean(), z.number().transform((n) => n !== 0)], { error: 'expected a boolean' });

/** Text that some versions send as a JSON value instead of a JSON string: always a string here. */
export const jsonText = z.union([
  z.string(),
  z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).transform((v) => JSON.stringify(v)),
]);

/** Optional and nullable primitives: unknown, missing and null all pass. */
export const num = numberLike.nullish();
export const bool = boolLike.nullish();
export const str = z.string().nullish();
export const strList = z.array(z.string()).nullish();
export const text = jsonText.nullish();
/** A figure a checker may report as a word (`unknown`, `not_applicable`): read as null then. */
export const measure = z.union([numberLike, z.string().transform(() => null)]).nullish();
/** A count or total that reads as 0 when missing or null. */
export const count = numberLike.nullish().transform((v) => v ?? 0);
/** A list that reads as [] when missing or null. */
export const listOf = <S extends z.ZodType>(item: S) =>
  z
    .array(item)
    .nullish()
    .transform((v): z.output<S>[] => v ?? []);
/** A list the answer must hold (an answer without it is not the one asked for); null still reads as []. */
export const requiredListOf = <S extends z.ZodType>(item: S) =>
  z
    .array(item)
    .nullable()
    .transform((v): z.output<S>[] => v ?? []);
/** `success` of a write result: only `true` means the write was made. */
export const succeeded = z.literal(true, { error: 'expected true (Plexus did not report the write as made)' });

/** `{"a": {...}, "b": {...}}` → `[{name: "a", ...}, {name: "b", ...}]` (the map key wins over any `name` field). */
export const mapToList = <T extends object>(map: Readonly<Record<string, T>>): Array<T & { name: string }> =>
  Object.entries(map).map(([name, value]) => ({ ...value, name }));

/** Checks an answer with `schema` but passes it on as sent (key order, numbers as strings): for answers shown or saved whole. */
export const asSent = <S extends z.ZodType>(schema: S): z.ZodType<z.input<S>> =>
  z.unknown().superRefine((value, ctx) => {
    const res = schema.safeParse(value);
    if (!res.success) for (const issue of res.error.issues) ctx.addIssue({ ...issue });
  }) as z.ZodType<z.input<S>>;

/** A map keyed by name, normalized to a list of `{name, ...}`. */
export const namedMap = <S extends z.ZodType<object>>(item: S) =>
  z.record(z.string(), item).transform((m) => mapToList(m as Record<string, z.output<S> & object>));

export interface Page<T> {
  data: T[];
  total: number;
  limit: number | null | undefined;
  offset: number;
}

/** The paginated answers `{data, total, limit, offset}` (usage, errors, debug logs, mcp logs, system logs). */
export const page = <S extends z.ZodType>(item: S) =>
  z
    .looseObject({
      data: requiredListOf(item),
      total: num,
      limit: num,
      offset: count,
    })
    .transform((p) => ({ ...p, total: p.total ?? p.data.length }));

/** A page read only for its `total`, as sent (null when the server gives none; `page` would count the rows). */
export const pageTotalSchema = z.looseObject({ data: z.array(z.unknown()).nullable(), total: num });

/** JSON.parse that never throws: undefined for empty or broken input. */
export const safeJsonParse = (value: string | null | undefined): unknown => {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
};

/** Parses a JSON string field with a schema; undefined when absent, broken or of another shape. */
export const parseJsonField = <S extends z.ZodType>(schema: S, value: string | null | undefined): z.output<S> | undefined => {
  const raw = safeJsonParse(value);
  if (raw === undefined) return undefined;
  const res = schema.safeParse(raw);
  return res.success ? res.data : undefined;
};
