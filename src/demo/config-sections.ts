import type { Obj } from './types.js';

/** 100–599 without 2xx, 413 and 422: Plexus' default retryable status codes. */
export const DEFAULT_RETRYABLE_CODES: number[] = [];
for (let c = 100; c < 600; c++) if ((c < 200 || c > 299) && c !== 413 && c !== 422) DEFAULT_RETRYABLE_CODES.push(c);

type Check = (v: unknown) => boolean;

const isInt =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isNum =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const isBool: Check = (v) => typeof v === 'boolean';
const orNull =
  (c: Check): Check =>
  (v) =>
    v === null || c(v);
const strArray: Check = (v) => Array.isArray(v) && v.every((x) => typeof x === 'string');

interface Field {
  def: unknown;
  check?: Check;
  msg?: string;
}

/**
 * A `config/*` section: defaults, where each field lives in system settings,
 * and range checks with Plexus' plain-string error messages.
 * `whole` sections (vision-fallthrough, compaction) store one merged object.
 */
export interface Section {
  prefix: string;
  fields?: Record<string, Field>;
  whole?: string;
}

export const SECTIONS: Record<string, Section> = {
  failover: {
    prefix: 'failover.',
    fields: {
      enabled: { def: true, check: isBool, msg: 'enabled must be a boolean' },
      retryableStatusCodes: {
        def: DEFAULT_RETRYABLE_CODES,
        check: (v) => Array.isArray(v) && v.every(isInt(100, 599)),
        msg: 'retryableStatusCodes must be an array of HTTP status codes',
      },
      retryableErrors: {
        def: ['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND'],
        check: strArray,
        msg: 'retryableErrors must be an array of strings',
      },
    },
  },
  'exploration-rate': {
    prefix: '',
    fields: Object.fromEntries(
      ['performanceExplorationRate', 'latencyExplorationRate', 'e2ePerformanceExplorationRate'].map((f) => [
        f,
        { def: 0.05, check: isNum(0, 1), msg: `${f} must be a number between 0 and 1` },
      ]),
    ),
  },
  'background-exploration': {
    prefix: 'backgroundExploration.',
    fields: {
      enabled: { def: false, check: isBool, msg: 'enabled must be a boolean' },
      stalenessThresholdSeconds: {
        def: 600,
        check: isInt(60, 86400),
        msg: 'stalenessThresholdSeconds must be an integer between 60 and 86400',
      },
      workerConcurrency: { def: 2, check: isInt(1, 16), msg: 'workerConcurrency must be an integer between 1 and 16' },
    },
  },
  cooldown: {
    prefix: 'cooldown.',
    fields: {
      initialMinutes: { def: 2, check: isNum(0.1, Number.MAX_VALUE), msg: 'initialMinutes must be at least 0.1' },
      maxMinutes: { def: 300, check: isNum(0.1, Number.MAX_VALUE), msg: 'maxMinutes must be at least 0.1' },
    },
  },
  timeout: {
    prefix: 'timeout.',
    fields: { defaultSeconds: { def: 300, check: isInt(1, 3600), msg: 'defaultSeconds must be an integer between 1 and 3600' } },
  },
  stall: {
    prefix: 'stall.',
    fields: {
      ttfbSeconds: { def: null, check: orNull(isNum(1, 600)), msg: 'ttfbSeconds must be null or a number between 1 and 600' },
      ttfbBytes: { def: 100, check: isInt(1, 1_000_000), msg: 'ttfbBytes must be an integer between 1 and 1000000' },
      minBytesPerSecond: { def: null, check: orNull(isNum(1, 1e9)), msg: 'minBytesPerSecond must be null or a positive number' },
      windowSeconds: { def: 10, check: isInt(3, 30), msg: 'windowSeconds must be an integer between 3 and 30' },
      gracePeriodSeconds: { def: 30, check: isInt(0, 600), msg: 'gracePeriodSeconds must be an integer between 0 and 600' },
      stallCooldown: { def: false, check: isBool, msg: 'stallCooldown must be a boolean' },
    },
  },
  'capture-trace-on-error': {
    prefix: 'captureTraceOnError.',
    fields: { enabled: { def: false, check: isBool, msg: 'enabled must be a boolean' } },
  },
  'trusted-proxies': {
    prefix: '',
    fields: { trustedProxies: { def: ['0.0.0.0/0', '::/0'], check: strArray, msg: 'trustedProxies must be an array of strings' } },
  },
  'mcp-enabled': {
    prefix: 'mcp.',
    fields: { enabled: { def: true, check: isBool, msg: 'enabled must be a boolean' } },
  },
  'vision-fallthrough': { prefix: '', whole: 'vision_fallthrough' },
  compaction: { prefix: '', whole: 'compaction' },
};

export function readSection(settings: Obj, s: Section): Obj {
  if (s.whole) return { ...((settings[s.whole] as Obj | undefined) ?? {}) };
  const out: Obj = {};
  for (const [name, f] of Object.entries(s.fields ?? {})) {
    const key = s.prefix + name;
    out[name] = key in settings ? settings[key] : structuredClone(f.def);
  }
  return out;
}

/** Validates a PATCH body and writes it into settings. Returns an error message, or undefined when applied. */
export function patchSection(settings: Obj, s: Section, patch: Obj): string | undefined {
  if (s.whole) {
    settings[s.whole] = { ...((settings[s.whole] as Obj | undefined) ?? {}), ...patch };
    return undefined;
  }
  const fields = s.fields ?? {};
  for (const [name, v] of Object.entries(patch)) {
    const f = fields[name];
    if (f?.check && !f.check(v)) return f.msg ?? `${name} is invalid`;
  }
  for (const [name, v] of Object.entries(patch)) if (fields[name]) settings[s.prefix + name] = v;
  return undefined;
}
