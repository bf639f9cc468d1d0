/**
 * What a command's zod argument schema says about each argument, in the terms
 * a slash-command option needs: type, required, choices, bounds, description.
 */
import { z } from 'zod';
import type { Command } from '../../src/core/command.js';

export type ArgKind =
  /** Free text (also lists, times, anything not recognised below). */
  | 'string'
  | 'integer'
  | 'number'
  /** A plain boolean such as `flag()`: `--name` on the line. */
  | 'flag'
  /** A boolean that accepts `name=true|false` (the `bool()` helper). */
  | 'boolean';

export interface ArgSpec {
  name: string;
  kind: ArgKind;
  required: boolean;
  /** Position among the command's positional arguments, if it is one. */
  position?: number;
  /** Swallows the rest of the words (`rest`). */
  rest?: boolean;
  list?: boolean;
  choices?: string[];
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  defaultValue?: unknown;
  description?: string;
}

interface Peeled {
  inner: z.ZodType;
  optional: boolean;
  defaultValue?: unknown;
  description?: string;
  /** A preprocess step was seen: the value arrives as text and is converted. */
  preprocessed: boolean;
}

const descriptionOf = (s: z.ZodType): string | undefined =>
  typeof s.description === 'string' && s.description.trim() ? s.description.trim() : undefined;

/** Strips optional/default/nullable/pipes down to the schema that decides the value's type. */
function peel(schema: z.ZodType): Peeled {
  const out: Peeled = { inner: schema, optional: false, preprocessed: false };
  let s: z.ZodType = schema;
  for (let i = 0; i < 12; i++) {
    out.description ??= descriptionOf(s);
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) {
      out.optional = true;
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodDefault || s instanceof z.ZodPrefault) {
      out.optional = true;
      out.defaultValue ??= (s._zod.def as { defaultValue?: unknown }).defaultValue;
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodCatch || s instanceof z.ZodReadonly || s instanceof z.ZodNonOptional) {
      s = (s._zod.def as unknown as { innerType: z.ZodType }).innerType;
    } else if (s instanceof z.ZodPipe) {
      const input = s.in as z.ZodType;
      // preprocess(fn, X) and X.transform(fn): the type the user gives is X's.
      if (input instanceof z.ZodTransform) {
        out.preprocessed = true;
        s = s.out as z.ZodType;
      } else {
        s = input;
      }
    } else {
      break;
    }
  }
  out.inner = s;
  return out;
}

/** A real bound: zod's `.int()` alone reports ±MAX_SAFE_INTEGER, which bounds nothing. */
const finite = (n: unknown): number | undefined =>
  typeof n === 'number' && Number.isFinite(n) && Math.abs(n) < Number.MAX_SAFE_INTEGER ? n : undefined;

function typeOf(p: Peeled): Pick<ArgSpec, 'kind' | 'choices' | 'min' | 'max' | 'minLength' | 'maxLength' | 'list'> {
  const s = p.inner;
  if (s instanceof z.ZodBoolean) return { kind: p.preprocessed ? 'boolean' : 'flag' };
  if (s instanceof z.ZodNumber) {
    const min = finite(s.minValue);
    const max = finite(s.maxValue);
    return { kind: s.isInt ? 'integer' : 'number', ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
  }
  if (s instanceof z.ZodEnum) return { kind: 'string', choices: s.options.map(String) };
  if (s instanceof z.ZodLiteral) return { kind: 'string', choices: [...s.values].map(String) };
  if (s instanceof z.ZodUnion) {
    const literals = s.options.every((o) => o instanceof z.ZodLiteral || o instanceof z.ZodEnum);
    if (literals) {
      const choices = s.options.flatMap((o) =>
        o instanceof z.ZodEnum ? o.options.map(String) : [...(o as z.ZodLiteral).values].map(String),
      );
      return { kind: 'string', choices };
    }
  }
  if (s instanceof z.ZodArray) return { kind: 'string', list: true };
  if (s instanceof z.ZodString) {
    const minLength = finite(s.minLength);
    const maxLength = finite(s.maxLength);
    return {
      kind: 'string',
      ...(minLength !== undefined && minLength > 1 ? { minLength } : {}),
      ...(maxLength !== undefined ? { maxLength } : {}),
    };
  }
  return { kind: 'string' };
}

/** The object shape behind a command's args schema, or undefined when it is not a plain object. */
function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const p = peel(schema);
  return p.inner instanceof z.ZodObject ? (p.inner.shape as Record<string, z.ZodType>) : undefined;
}

/** Whether the args object takes names it does not list (`.catchall(...)`, `looseObject`), e.g. `api call`'s parameters. */
export function takesOtherNames(command: Command): boolean {
  const inner = peel(command.args).inner;
  if (!(inner instanceof z.ZodObject)) return false;
  const catchall = (inner._zod.def as { catchall?: z.ZodType }).catchall;
  return catchall !== undefined && !(catchall instanceof z.ZodNever);
}

/**
 * The arguments of a command, positional ones first (in order), then named
 * ones in schema order. Undefined when the schema is not an object (such a
 * command is still reachable through `run`).
 */
export function argSpecs(command: Command): ArgSpec[] | undefined {
  const shape = shapeOf(command.args);
  if (!shape) return undefined;
  const positional = command.positional ?? [];
  const specs: ArgSpec[] = Object.entries(shape).map(([name, schema]) => {
    const p = peel(schema);
    const spec: ArgSpec = { name, required: !p.optional, ...typeOf(p) };
    const position = positional.indexOf(name);
    if (position >= 0) spec.position = position;
    if (command.rest === name) spec.rest = true;
    if (p.defaultValue !== undefined && typeof p.defaultValue !== 'function' && typeof p.defaultValue !== 'object')
      spec.defaultValue = p.defaultValue;
    if (p.description) spec.description = p.description;
    return spec;
  });
  const rank = (s: ArgSpec) => (s.position !== undefined ? s.position : s.rest ? positional.length : Infinity);
  return specs
    .map((s, i) => ({ s, i }))
    .sort((a, b) => rank(a.s) - rank(b.s) || a.i - b.i)
    .map((x) => x.s);
}
