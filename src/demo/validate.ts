import net from 'node:net';
import type { z } from 'zod';
import { HttpError } from './http.js';

export type Issues = z.core.$ZodIssue[];

/** Parses with zod; on failure throws the HttpError `fail` builds from the issues. */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown, fail: (issues: Issues) => HttpError): T {
  const r = schema.safeParse(input);
  if (!r.success) throw fail(r.error.issues);
  return r.data;
}

/** `{"error":"Validation failed","details":[...]}`: providers, aliases, keys, MCP servers. */
export const validationFailed = (issues: Issues): HttpError => new HttpError(400, { error: 'Validation failed', details: issues });

export const SLUG_RE = /^[a-z0-9][a-z0-9-_]{1,62}$/;

export function isValidUrl(s: string): boolean {
  if (s.startsWith('oauth://')) return true;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function validCidr(addr: string, bits: string): boolean {
  const v = net.isIP(addr);
  if (v === 0 || !/^\d+$/.test(bits)) return false;
  return Number(bits) <= (v === 4 ? 32 : 128);
}

/** IPv4/IPv6, CIDR, `a.b.c.d-N` or `addr-addr` ranges, as Plexus accepts in `allowedIps`. */
export function isValidIpRule(rule: string): boolean {
  const r = rule.trim();
  if (net.isIP(r) !== 0) return true;
  const slash = r.split('/');
  if (slash.length === 2) return validCidr(slash[0] as string, slash[1] as string);
  const dash = r.split('-');
  if (dash.length === 2) {
    const [a, b] = dash as [string, string];
    if (net.isIPv4(a) && /^\d+$/.test(b)) return Number(b) <= 255;
    return net.isIP(a) !== 0 && net.isIP(a) === net.isIP(b);
  }
  return false;
}
