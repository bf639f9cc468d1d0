/** The CSV tables of the demo's full backup archive: empty cells read back as null, numbers and booleans restored. */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export function toCsv(rows: Record<string, unknown>[]): string {
  const first = rows[0];
  if (!first) return '';
  return stringify(rows, {
    header: true,
    columns: Object.keys(first),
    cast: { boolean: (v) => String(v), object: (v) => JSON.stringify(v) },
  });
}

const revive = (raw: string): unknown => {
  if (raw === '') return null;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(raw)) return Number(raw);
  return raw;
};

export function fromCsv(text: string): Record<string, unknown>[] {
  if (text.trim() === '') return [];
  // A quoted cell stays text: the writer quotes only cells that need it.
  return parse(text, {
    columns: true,
    skip_empty_lines: true,
    cast: (value, ctx) => (ctx.header || ctx.quoting ? value : revive(value)),
  }) as Record<string, unknown>[];
}
