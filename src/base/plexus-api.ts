import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type QueryValue = string | number | boolean | undefined | null;

export interface RequestOptions<T> {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Validates the parsed JSON answer; a mismatch is an UPSTREAM_INVALID error, never a crash. */
  schema?: z.ZodType<T>;
  headers?: Record<string, string>;
  /** Override the per-call timeout (ms). */
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface StreamOptions {
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** Time allowed until the answer's headers arrive (ms); how long the body runs is the caller's signal's business. */
  timeoutMs?: number;
}

/** An open streaming answer (Server-Sent Events). */
export interface StreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /**
   * The body as it arrives. Ends when Plexus closes it or the caller's signal
   * aborts (or the caller stops iterating); a broken connection throws a typed
   * error. Iterate it: the connection is held until then.
   */
  body: AsyncIterable<Buffer>;
}

/** The management API as the commands see it. Paths are absolute (`/v0/management/...`). */
export interface PlexusApi {
  readonly baseUrl: string;
  /** True when talking to the built-in demo gateway. */
  readonly demo: boolean;
  /** Calls waiting or in flight, when the client keeps a queue (metrics). */
  readonly queued?: number;
  request<T = unknown>(method: HttpMethod, path: string, opts?: RequestOptions<T>): Promise<T>;
  /** Non-JSON answers (metrics text, backup archives). Errors are still typed. */
  requestRaw(method: HttpMethod, path: string, opts?: Omit<RequestOptions<never>, 'schema'>): Promise<RawResponse>;
  /** A long-lived answer (SSE), read as it arrives; same auth and typed errors; `signal` stops it. */
  stream(method: HttpMethod, path: string, opts?: StreamOptions, signal?: AbortSignal): Promise<StreamResponse>;
  close(): Promise<void>;
}
