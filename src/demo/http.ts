import type http from 'node:http';
import { isRecord } from '../base/is-record.js';

export const JSON_TYPE = 'application/json; charset=utf-8';

/** What a route answers. `body` is serialised as JSON unless `raw` is given. */
export interface Reply {
  status: number;
  body?: unknown;
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Thrown by handlers to answer with a given status and JSON body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });

/** `{"error":"..."}`: the plain-string error style most management routes use. */
export const plainError = (status: number, message: string, extra?: Record<string, unknown>): HttpError =>
  new HttpError(status, { error: message, ...extra });

/** `{"error":{"message","type"}}`: the style of user-quota and quota/* routes. */
export const typedError = (status: number, message: string, type: string): HttpError => new HttpError(status, { error: { message, type } });

export const NOT_FOUND = { error: 'Not Found' };
export const UNAUTHORIZED = { error: { message: 'Unauthorized', type: 'auth_error', code: 401 } };
export const FORBIDDEN = { error: { message: 'Admin privileges required', type: 'forbidden', code: 403 } };

export function sendReply(res: http.ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...reply.headers };
  let payload: string | Buffer;
  if (reply.raw !== undefined) {
    payload = reply.raw;
    headers['content-type'] = reply.contentType ?? 'text/plain; charset=utf-8';
  } else {
    payload = JSON.stringify(reply.body ?? null);
    headers['content-type'] = reply.contentType ?? JSON_TYPE;
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

const PRELOADED = Symbol.for('plexus-demo.preloaded-body');

/** Lets a wrapping server that already consumed the request stream hand the bytes on. */
export function setPreloadedBody(req: http.IncomingMessage, body: Buffer): void {
  (req as unknown as Record<symbol, Buffer>)[PRELOADED] = body;
}

export async function readBody(req: http.IncomingMessage, limitBytes: number): Promise<Buffer> {
  const pre = (req as unknown as Record<symbol, Buffer | undefined>)[PRELOADED];
  if (pre) {
    if (pre.length > limitBytes) throw plainError(413, 'Payload Too Large');
    return pre;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes) throw plainError(413, 'Payload Too Large');
    chunks.push(buf);
  }
  const body = Buffer.concat(chunks);
  setPreloadedBody(req, body);
  return body;
}

/** Parses a JSON request body; an empty body reads as `undefined`. */
export function parseJsonBody(buf: Buffer): unknown {
  const text = buf.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw plainError(400, 'Malformed JSON in request body');
  }
}

/** PATCH-style routes refuse anything but a JSON object. */
export function requireObject(v: unknown): Record<string, unknown> {
  if (!isRecord(v)) throw plainError(400, 'Object body is required');
  return v;
}

export function intParam(q: URLSearchParams, name: string, def: number, min = 0): number {
  const raw = q.get(name);
  if (raw === null || raw.trim() === '') return def;
  const n = Number.parseInt(raw, 10);
  return Number.isFinite(n) && n >= min ? n : def;
}

export function paginate<T>(rows: T[], q: URLSearchParams, defLimit: number): { data: T[]; total: number; limit: number; offset: number } {
  const limit = intParam(q, 'limit', defLimit, 1);
  const offset = intParam(q, 'offset', 0, 0);
  return { data: rows.slice(offset, offset + limit), total: rows.length, limit, offset };
}
