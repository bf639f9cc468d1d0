import { setTimeout as sleep } from 'node:timers/promises';
import PQueue from 'p-queue';
import pRetry, { AbortError } from 'p-retry';
import type { Logger } from 'pino';
import { Client, Pool } from 'undici';
import { BotError, isBotError } from '../base/errors.js';
import {
  PlexusHttpError,
  invalidAnswerError,
  parseErrorBody,
  redactSecrets,
  summarizeZodIssues,
  timeoutError,
  unreachableError,
  zodIssuesToDetails,
} from './errors.js';
import { errorCode, isRetryableNetworkError, isTimeoutCode, networkReason, parseRetryAfter, readAll } from './network.js';
import { parseBaseUrl, stripQuery, withQuery, type Target } from './path.js';
import { routeTemplate } from './route-template.js';
import type { HttpMethod, PlexusApi, RawResponse, RequestOptions, StreamOptions, StreamResponse } from '../base/plexus-api.js';

export interface PlexusClientOptions {
  /** `https://plexus.example.com` (a path prefix such as `/gateway` is kept). */
  baseUrl: string;
  adminKey: string;
  /** Calls in flight at the server at most (default 4). */
  concurrency?: number;
  /** Per attempt, from dispatch to the last body byte (default 15000). */
  timeoutMs?: number;
  /**
   * Retries of idempotent GETs (default 3) on connection errors and 502/503/504;
   * a timed-out GET is retried once at most. Other methods are never retried.
   */
  retries?: number;
  /** First backoff delay (default 250 ms); doubles each retry, with jitter. */
  retryMinMs?: number;
  /** Largest backoff delay (default 4000 ms). */
  retryMaxMs?: number;
  /** Largest Retry-After honoured (default 10000 ms). */
  retryAfterMaxMs?: number;
  /** Largest answer read (default 256 MiB). */
  maxResponseBytes?: number;
  logger?: Logger;
  demo?: boolean;
  /** Told of every attempt (retries too) when it ends; must not throw. */
  onCall?: (call: PlexusCall) => void;
}

/** One attempt, for metrics: `route` is the path's template (`/v0/management/keys/{name}`), never the path itself. */
export interface PlexusCall {
  method: HttpMethod;
  route: string;
  /** The HTTP status, or `timeout` / `unreachable` when no answer came. */
  status: string;
  ms: number;
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);
/** A Plexus that did not answer within the timeout gets one more chance, not `retries` more. */
const MAX_TIMEOUT_RETRIES = 1;

/** What one attempt produced when it failed, and whether a GET may try again. */
class AttemptFailure extends Error {
  constructor(
    readonly error: BotError,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    readonly timedOut = false,
  ) {
    super(error.message);
    this.name = 'AttemptFailure';
  }
}

const lowerKeys = (headers: Record<string, string> | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
};

const isBinary = (body: unknown): body is Uint8Array => body instanceof Uint8Array;

/** Error answers of a stream are read this far at most. */
const STREAM_ERROR_BYTES = 64 * 1024;

/** A non-2xx answer as a typed error; `text` must already be free of secrets. */
function httpError(status: number, method: HttpMethod, path: string, text: string): PlexusHttpError {
  const parsed = parseErrorBody(status, text);
  return new PlexusHttpError({
    status,
    method,
    path,
    message: parsed.message,
    details: parsed.details,
    hints: parsed.hints,
    ...(parsed.type === undefined ? {} : { type: parsed.type }),
    ...(parsed.supportedLevels === undefined ? {} : { supportedLevels: parsed.supportedLevels }),
    body: parsed.body,
  });
}

class PlexusClient implements PlexusApi {
  readonly baseUrl: string;
  readonly demo: boolean;
  readonly #target: Target;
  readonly #adminKey: string;
  readonly #pool: Pool;
  readonly #queue: PQueue;
  readonly #log: Logger | undefined;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #retryMinMs: number;
  readonly #retryMaxMs: number;
  readonly #retryAfterMaxMs: number;
  readonly #maxResponseBytes: number;
  readonly #onCall: PlexusClientOptions['onCall'];
  /** One connection per open stream, outside the pool, so a long stream never holds up other calls. */
  readonly #streams = new Set<Client>();
  #closing: Promise<void> | undefined;

  constructor(opts: PlexusClientOptions) {
    this.#target = parseBaseUrl(opts.baseUrl);
    this.baseUrl = this.#target.origin + this.#target.prefix;
    this.demo = opts.demo ?? false;
    this.#adminKey = opts.adminKey;
    const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 4));
    this.#timeoutMs = Math.max(1, opts.timeoutMs ?? 15_000);
    this.#retries = Math.max(0, Math.floor(opts.retries ?? 3));
    this.#retryMinMs = Math.max(0, opts.retryMinMs ?? 250);
    this.#retryMaxMs = Math.max(this.#retryMinMs, opts.retryMaxMs ?? 4_000);
    this.#retryAfterMaxMs = Math.max(0, opts.retryAfterMaxMs ?? 10_000);
    this.#maxResponseBytes = opts.maxResponseBytes ?? 256 * 1024 * 1024;
    this.#log = opts.logger?.child({ component: 'plexus-client' });
    this.#pool = new Pool(this.#target.origin, {
      connections: concurrency,
      pipelining: 1,
      connect: { timeout: Math.min(this.#timeoutMs, 10_000) },
      maxResponseSize: this.#maxResponseBytes,
    });
    this.#queue = new PQueue({ concurrency });
    this.#onCall = opts.onCall;
  }

  /** Calls waiting for a connection or in flight. */
  get queued(): number {
    return this.#queue.size + this.#queue.pending;
  }

  #observe(method: HttpMethod, path: string, status: string, started: number): void {
    try {
      this.#onCall?.({ method, route: routeTemplate(path), status, ms: performance.now() - started });
    } catch {
      // Metrics never fail a call.
    }
  }

  async request<T = unknown>(method: HttpMethod, path: string, opts: RequestOptions<T> = {}): Promise<T> {
    const res = await this.#call(method, path, opts, 'application/json');
    const shownPath = stripQuery(path);
    const text = res.body.toString('utf8');
    let data: unknown;
    if (text.trim() !== '') {
      try {
        data = JSON.parse(text);
      } catch (e) {
        const kind = String(res.headers['content-type'] ?? 'unknown type').split(';')[0];
        throw invalidAnswerError(method, shownPath, `the answer is not JSON (${kind})`, { cause: e });
      }
    }
    if (!opts.schema) return data as T;
    let parsed: ReturnType<typeof opts.schema.safeParse>;
    try {
      parsed = opts.schema.safeParse(data);
    } catch (e) {
      throw invalidAnswerError(method, shownPath, 'the answer could not be read', { cause: e });
    }
    if (!parsed.success) {
      const issues = parsed.error.issues;
      this.#log?.warn({ method, path: shownPath, issues: zodIssuesToDetails(issues) }, 'Plexus answer failed validation');
      throw invalidAnswerError(method, shownPath, summarizeZodIssues(issues), { details: zodIssuesToDetails(issues) });
    }
    return parsed.data;
  }

  requestRaw(method: HttpMethod, path: string, opts: Omit<RequestOptions<never>, 'schema'> = {}): Promise<RawResponse> {
    return this.#call(method, path, opts, '*/*');
  }

  async stream(method: HttpMethod, path: string, opts: StreamOptions = {}, signal?: AbortSignal): Promise<StreamResponse> {
    const shownPath = stripQuery(path);
    if (this.#closing) throw unreachableError(this.#target.origin, 'the client is closed');
    const headers: Record<string, string> = { accept: 'text/event-stream', 'x-admin-key': this.#adminKey, ...lowerKeys(opts.headers) };
    const secrets = [this.#adminKey, headers['x-admin-key'] ?? '', headers.authorization ?? ''];
    const timeoutMs = Math.max(1, opts.timeoutMs ?? this.#timeoutMs);
    const client = new Client(this.#target.origin, { connect: { timeout: Math.min(timeoutMs, 10_000) } });
    this.#streams.add(client);
    const done = () => {
      this.#streams.delete(client);
      client.destroy().catch(() => undefined);
    };
    const failure = (e: unknown): BotError => this.#networkFailure(e, method, shownPath, timeoutMs, secrets).error;
    let res: Awaited<ReturnType<Client['request']>>;
    try {
      res = await client.request({
        path: this.#target.prefix + withQuery(path.startsWith('/') ? path : `/${path}`, opts.query),
        method,
        headers,
        headersTimeout: timeoutMs,
        bodyTimeout: 0,
        ...(signal ? { signal } : {}),
      });
    } catch (e) {
      done();
      if (signal?.aborted) throw new BotError('UPSTREAM_DOWN', `Stopped waiting for Plexus to answer ${method} ${shownPath}`, { cause: e });
      throw failure(e);
    }
    this.#log?.debug({ method, path: shownPath, status: res.statusCode }, 'Plexus stream opened');
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const text = await readAll(res.body, STREAM_ERROR_BYTES).then(
        (b) => b.toString('utf8'),
        () => '',
      );
      done();
      throw httpError(res.statusCode, method, shownPath, redactSecrets(text, secrets));
    }
    const body = res.body;
    async function* chunks(): AsyncGenerator<Buffer> {
      try {
        for await (const chunk of body) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      } catch (e) {
        // The caller's signal ends a stream normally; anything else is a broken connection.
        if (!signal?.aborted) throw failure(e);
      } finally {
        body.destroy();
        done();
      }
    }
    return { status: res.statusCode, headers: res.headers, body: chunks() };
  }

  close(): Promise<void> {
    for (const client of this.#streams) client.destroy().catch(() => undefined);
    this.#streams.clear();
    this.#closing ??= this.#pool.close().catch((e: unknown) => {
      this.#log?.debug({ reason: networkReason(e) }, 'closing the Plexus pool failed');
    });
    return this.#closing;
  }

  /** Queue, timeout, retry and error mapping shared by both request kinds. */
  async #call(method: HttpMethod, path: string, opts: Omit<RequestOptions<unknown>, 'schema'>, accept: string): Promise<RawResponse> {
    const shownPath = stripQuery(path);
    const retries = method === 'GET' ? this.#retries : 0;
    let last: BotError | undefined;
    let timeouts = 0;
    try {
      return await pRetry(
        async (attempt) => {
          try {
            return await this.#queue.add(() => this.#attempt(method, path, opts, accept, attempt));
          } catch (e) {
            const failure = e instanceof AttemptFailure ? e : new AttemptFailure(this.#unexpected(e), false);
            last = failure.error;
            if (failure.timedOut) timeouts += 1;
            if (!failure.retryable || timeouts > MAX_TIMEOUT_RETRIES) throw new AbortError(failure);
            throw failure;
          }
        },
        {
          retries,
          // The wait is taken in onFailedAttempt, where Retry-After can replace the backoff.
          minTimeout: 0,
          maxTimeout: 0,
          onFailedAttempt: async (e) => {
            if (e.retriesLeft <= 0) return;
            const retryAfterMs = e instanceof AttemptFailure ? e.retryAfterMs : undefined;
            this.#log?.warn(
              { method, path: shownPath, attempt: e.attemptNumber, retriesLeft: e.retriesLeft, reason: e.message, retryAfterMs },
              'Plexus call failed, retrying',
            );
            await sleep(retryAfterMs ?? this.#backoff(e.attemptNumber));
          },
        },
      );
    } catch (e) {
      const err = last ?? this.#unexpected(e);
      this.#log?.debug({ method, path: shownPath, code: err.code, status: (err as Partial<PlexusHttpError>).status }, 'Plexus call failed');
      throw err;
    }
  }

  /** Before retry n: the first delay doubled n-1 times, randomized between 1x and 2x, capped. */
  #backoff(failedAttempt: number): number {
    return Math.min(this.#retryMaxMs, this.#retryMinMs * 2 ** (failedAttempt - 1) * (1 + Math.random()));
  }

  async #attempt(
    method: HttpMethod,
    path: string,
    opts: Omit<RequestOptions<unknown>, 'schema'>,
    accept: string,
    attempt: number,
  ): Promise<RawResponse> {
    const shownPath = stripQuery(path);
    if (this.#closing) throw new AttemptFailure(unreachableError(this.#target.origin, 'the client is closed'), false);

    const extra = lowerKeys(opts.headers);
    const headers: Record<string, string> = { accept, 'x-admin-key': this.#adminKey, ...extra };
    const secrets = [this.#adminKey, headers['x-admin-key'] ?? '', headers.authorization ?? ''];
    let body: string | Uint8Array | undefined;
    if (opts.body !== undefined) {
      if (isBinary(opts.body)) {
        body = opts.body;
        headers['content-type'] ??= 'application/octet-stream';
      } else {
        try {
          body = JSON.stringify(opts.body);
        } catch (e) {
          throw new AttemptFailure(new BotError('INTERNAL', `Cannot encode the body of ${method} ${shownPath}`, { cause: e }), false);
        }
        headers['content-type'] ??= 'application/json';
      }
    }

    const timeoutMs = Math.max(1, opts.timeoutMs ?? this.#timeoutMs);
    const started = performance.now();
    try {
      const res = await this.#pool.request({
        path: this.#target.prefix + withQuery(path.startsWith('/') ? path : `/${path}`, opts.query),
        method,
        headers,
        body: body ?? null,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const buf = Buffer.from(
        await res.body.arrayBuffer().catch((e: unknown) => {
          if (errorCode(e) !== 'UND_ERR_RES_EXCEEDED_MAX_SIZE') throw e;
          throw new AttemptFailure(
            invalidAnswerError(method, shownPath, `the answer is larger than ${this.#maxResponseBytes} bytes`),
            false,
          );
        }),
      );
      const status = res.statusCode;
      this.#observe(method, shownPath, String(status), started);
      this.#log?.debug({ method, path: shownPath, status, attempt, ms: Math.round(performance.now() - started) }, 'Plexus call');
      if (status >= 200 && status < 300) return { status, headers: res.headers, body: buf };

      const error = httpError(status, method, shownPath, redactSecrets(buf.toString('utf8'), secrets));
      const retryAfterMs = parseRetryAfter(res.headers['retry-after'], this.#retryAfterMaxMs);
      throw new AttemptFailure(error, RETRYABLE_STATUS.has(status), retryAfterMs);
    } catch (e) {
      if (e instanceof AttemptFailure) throw e;
      const failure = this.#networkFailure(e, method, shownPath, timeoutMs, secrets);
      this.#observe(method, shownPath, failure.timedOut ? 'timeout' : 'unreachable', started);
      throw failure;
    }
  }

  #networkFailure(e: unknown, method: HttpMethod, shownPath: string, timeoutMs: number, secrets: string[]): AttemptFailure {
    const code = errorCode(e);
    if (isTimeoutCode(code)) {
      return new AttemptFailure(timeoutError(method, shownPath, timeoutMs, e), true, undefined, true);
    }
    const reason = redactSecrets(networkReason(e), secrets);
    return new AttemptFailure(unreachableError(this.#target.origin, reason, e), isRetryableNetworkError(e));
  }

  #unexpected(e: unknown): BotError {
    if (isBotError(e)) return e;
    return new BotError('INTERNAL', 'The Plexus client failed unexpectedly', { cause: e });
  }
}

/** The management API client: one pool per origin, bounded concurrency, typed errors. */
export const createPlexusClient = (opts: PlexusClientOptions): PlexusApi => new PlexusClient(opts);
