/**
 * /readyz: every check at once, each with its own timeout. A check resolves
 * (optionally with a note such as `not configured`) or throws; the body says
 * which failed and why, in words safe to show (no secrets, no credentials in URLs).
 */
import { isBotError } from '../base/errors.js';

export type ReadinessCheck = () => Promise<string | undefined>;

export interface CheckResult {
  ok: boolean;
  ms: number;
  /** Why it failed. */
  error?: string;
  /** What it found when that is worth saying (`not configured`). */
  note?: string;
}

export interface ReadinessReport {
  ready: boolean;
  replica: string;
  checks: Record<string, CheckResult>;
}

export interface ReadinessOptions {
  replica: string;
  checks: Record<string, ReadinessCheck>;
  /** Per check (default 2000 ms). */
  timeoutMs?: number;
  /** Masks known secret values in a failure's reason. */
  mask?: (text: string) => string;
}

/** `https://user:pass@host` → `https://host`, and nothing longer than a line. */
const safeReason = (text: string): string =>
  text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1')
    .split('\n')[0]!
    .slice(0, 300);

function reasonOf(e: unknown): string {
  if (isBotError(e)) {
    const status = (e as { status?: unknown }).status;
    return `${e.code}${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${e.message}`;
  }
  if (e instanceof Error) return e.message;
  return String(e);
}

async function runCheck(check: ReadinessCheck, timeoutMs: number, mask: (s: string) => string): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  try {
    const note = await Promise.race([check(), timeout]);
    return { ok: true, ms: Math.round(performance.now() - started), ...(typeof note === 'string' ? { note } : {}) };
  } catch (e) {
    return { ok: false, ms: Math.round(performance.now() - started), error: safeReason(mask(reasonOf(e))) };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(opts: ReadinessOptions): Promise<ReadinessReport> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const mask = opts.mask ?? ((s: string) => s);
  const names = Object.keys(opts.checks);
  const results = await Promise.all(names.map((n) => runCheck(opts.checks[n]!, timeoutMs, mask)));
  const checks = Object.fromEntries(names.map((n, i) => [n, results[i]!]));
  return { ready: results.every((r) => r.ok), replica: opts.replica, checks };
}
