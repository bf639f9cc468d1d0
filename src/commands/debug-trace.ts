import type * as S from '../plexus/schemas.js';
import { formatBytes, formatTimestamp } from '../render/format.js';
import { isSecretField, maskDeep, maskSecret, maskTokenPatterns } from '../render/mask.js';
import { code, fields, table, text, type Block } from '../render/reply.js';

/** Inline payloads are cut here; `--json` carries them whole. */
export const PAYLOAD_CHARS = 1500;

const PAYLOADS = [
  ['rawRequest', 'Request as received'],
  ['transformedRequest', 'Request as sent to the provider'],
  ['rawResponse', 'Response from the provider'],
  ['transformedResponse', 'Response as returned'],
  ['rawResponseSnapshot', 'Provider stream (snapshot)'],
  ['transformedResponseSnapshot', 'Returned stream (snapshot)'],
] as const;

type PayloadField = (typeof PAYLOADS)[number][0];

/** Every string in a value with credential-shaped text (Bearer …, sk-…) masked. */
function scrubStrings(v: unknown): unknown {
  if (typeof v === 'string') return maskTokenPatterns(v);
  if (Array.isArray(v)) return v.map(scrubStrings);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrubStrings(x)]));
  return v;
}

/** A JSON payload with secret-named fields and credential-shaped strings masked; non-JSON text scrubbed as text. */
export function maskPayload(raw: string | null | undefined): unknown {
  if (raw === null || raw === undefined || raw === '') return null;
  try {
    return scrubStrings(maskDeep(JSON.parse(raw) as unknown));
  } catch {
    return maskTokenPatterns(raw);
  }
}

/** Header name → value with every credential header masked (Plexus pre-masks Authorization, not the others). */
export function maskHeaders(raw: string | null | undefined): Record<string, string> | null {
  if (!raw) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { '(unparsed)': maskTokenPatterns(raw) };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(parsed)) {
    const value = Array.isArray(v) ? v.map(String).join(', ') : String(v);
    out[name] = isSecretField(name) ? maskSecret(value) : maskTokenPatterns(value);
  }
  return out;
}

export interface MaskedTrace {
  requestId: string;
  createdAt: number | null | undefined;
  responseStatus: number | null | undefined;
  requestHeaders: Record<string, string> | null;
  responseHeaders: Record<string, string> | null;
  payloads: Partial<Record<PayloadField, unknown>>;
}

export function maskTrace(t: S.DebugLogDetail): MaskedTrace {
  const payloads: MaskedTrace['payloads'] = {};
  for (const [f] of PAYLOADS) {
    const p = maskPayload(t[f]);
    if (p !== null) payloads[f] = p;
  }
  return {
    requestId: t.requestId,
    createdAt: t.createdAt,
    responseStatus: t.responseStatus,
    requestHeaders: maskHeaders(t.requestHeaders),
    responseHeaders: maskHeaders(t.responseHeaders),
    payloads,
  };
}

/** Bytes of payload a trace holds (what deleting it loses). */
export const traceSize = (t: S.DebugLogDetail): number =>
  PAYLOADS.reduce((n, [f]) => n + Buffer.byteLength(t[f] ?? ''), 0) +
  Buffer.byteLength(t.requestHeaders ?? '') +
  Buffer.byteLength(t.responseHeaders ?? '');

export const describeTrace = (t: S.DebugLogDetail, now: number): string =>
  `captured ${formatTimestamp(t.createdAt, now)} UTC, HTTP ${t.responseStatus ?? 'none (failed)'}, ${formatBytes(traceSize(t))} ` +
  'of headers and payloads';

const clip = (s: string): string =>
  s.length > PAYLOAD_CHARS ? `${s.slice(0, PAYLOAD_CHARS)}\n… (${s.length - PAYLOAD_CHARS} more characters)` : s;

const headerTable = (h: Record<string, string>): Block =>
  table(
    ['header', 'value'],
    Object.entries(h).map(([k, v]) => [k, v]),
  );

/** The readable form: fields, headers as tables, payloads as (cut) JSON. */
export function traceBlocks(m: MaskedTrace, now: number): Block[] {
  const blocks: Block[] = [
    fields([
      { label: 'Request', value: m.requestId },
      { label: 'Captured', value: `${formatTimestamp(m.createdAt, now)} UTC` },
      { label: 'HTTP status', value: m.responseStatus == null ? 'none (the request failed)' : String(m.responseStatus) },
    ]),
  ];
  if (m.requestHeaders) blocks.push(text('Request headers:'), headerTable(m.requestHeaders));
  for (const [f, label] of PAYLOADS) {
    const p = m.payloads[f];
    if (p === undefined) continue;
    blocks.push(text(`${label}:`), typeof p === 'string' ? code(clip(p)) : code(clip(JSON.stringify(p, null, 2)), 'json'));
  }
  if (m.responseHeaders) blocks.push(text('Response headers:'), headerTable(m.responseHeaders));
  return blocks;
}
