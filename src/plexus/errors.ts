import { STATUS_CODES } from 'node:http';
import type { z } from 'zod';
import { BotError, type FieldIssue } from '../base/errors.js';
import type { HttpMethod } from '../base/plexus-api.js';
import { isRecord } from '../base/is-record.js';
import { formatDuration } from '../render/format.js';

const MAX_MESSAGE = 500;
const MAX_DETAIL = 300;
const MAX_DETAILS = 20;

export interface PlexusHttpErrorInit {
  status: number;
  method: HttpMethod;
  /** Path without its query string. */
  path: string;
  /** The server's own message (or `HTTP 502 Bad Gateway` when it gave none). */
  message: string;
  details?: FieldIssue[];
  hints?: string[];
  /** `error.type` when the server gave one (`auth_error`, `not_found_error`, …). */
  type?: string;
  /** `supportedLevels` of the logging-level errors. */
  supportedLevels?: string[];
  /** The parsed JSON body (secrets removed), for callers that need an extra field. */
  body?: unknown;
  cause?: unknown;
}

/** A non-2xx answer of the management API. */
export class PlexusHttpError extends BotError {
  readonly status: number;
  readonly method: HttpMethod;
  readonly path: string;
  readonly type: string | undefined;
  readonly supportedLevels: string[] | undefined;
  readonly body: unknown;

  constructor(init: PlexusHttpErrorInit) {
    super('UPSTREAM_HTTP', init.message, {
      details: init.details ?? [],
      hints: init.hints ?? [],
      ...(init.cause === undefined ? {} : { cause: init.cause }),
    });
    this.name = 'PlexusHttpError';
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.type = init.type;
    this.supportedLevels = init.supportedLevels;
    this.body = init.body;
  }
}

export const isPlexusHttpError = (e: unknown): e is PlexusHttpError => e instanceof PlexusHttpError;

/** Replaces every occurrence of the given secrets (raw and JSON-escaped) with `***`. */
export const redactSecrets = (text: string, secrets: readonly string[]): string => {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
    for (const form of forms) out = out.split(form).join('***');
  }
  return out;
};

export const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** `['target_groups', 0, 'targets']` → `target_groups[0].targets`. */
export const formatIssuePath = (path: unknown): string => {
  if (typeof path === 'string') return path;
  if (!Array.isArray(path)) return '';
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' || typeof part === 'symbol') out += `${out ? '.' : ''}${String(part)}`;
    else if (part && typeof part === 'object' && 'key' in part) out += `${out ? '.' : ''}${String((part as { key: unknown }).key)}`;
  }
  return out;
};

const issueFromUnknown = (item: unknown): FieldIssue | undefined => {
  if (typeof item === 'string') return { path: '', message: truncate(oneLine(item), MAX_DETAIL) };
  if (!isRecord(item)) return undefined;
  const message = typeof item.message === 'string' ? item.message : typeof item.code === 'string' ? item.code : JSON.stringify(item);
  return { path: formatIssuePath(item.path), message: truncate(oneLine(message), MAX_DETAIL) };
};

/** Field details from any of the `details` forms Plexus sends. */
export const detailsFromUnknown = (details: unknown): FieldIssue[] => {
  if (details === undefined || details === null) return [];
  if (Array.isArray(details)) {
    return details
      .slice(0, MAX_DETAILS)
      .map(issueFromUnknown)
      .filter((d): d is FieldIssue => d !== undefined);
  }
  if (typeof details === 'string') {
    // fetch-models puts the upstream body here: keep it short.
    const text = oneLine(details);
    return text ? [{ path: 'upstream', message: truncate(text, MAX_DETAIL) }] : [];
  }
  if (isRecord(details)) return [{ path: '', message: truncate(oneLine(JSON.stringify(details)), MAX_DETAIL) }];
  return [{ path: '', message: truncate(String(details), MAX_DETAIL) }];
};

export const statusLine = (status: number): string => {
  const reason = STATUS_CODES[status];
  return reason ? `HTTP ${status} ${reason}` : `HTTP ${status}`;
};

export interface ParsedErrorBody {
  message: string;
  type?: string;
  details: FieldIssue[];
  hints: string[];
  supportedLevels?: string[];
  body?: unknown;
}

/**
 * Reads every error body form of the management API:
 * `{"error":{"message","type","code"}}`, `{"error":"text"}`,
 * `{"error":"Validation failed","details":[issues]}`, `{"error":{…},"details":[…]}`,
 * `{"error":{…,"details":[…]|"upstream body"}}`, `{"error":"…","supportedLevels":[…]}`,
 * and anything else (HTML, empty) → `HTTP 502 Bad Gateway`.
 */
export const parseErrorBody = (status: number, text: string): ParsedErrorBody => {
  const fallback: ParsedErrorBody = { message: statusLine(status), details: [], hints: [] };
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return fallback;
  let body: unknown;
  try {
    body = JSON.parse(trimmed);
  } catch {
    return fallback;
  }
  if (!isRecord(body)) return fallback;

  const err = body.error;
  let message: string | undefined;
  let type: string | undefined;
  let innerDetails: unknown;
  if (typeof err === 'string') {
    message = err;
  } else if (isRecord(err)) {
    if (typeof err.message === 'string') message = err.message;
    if (typeof err.type === 'string') type = err.type;
    innerDetails = err.details;
  }
  if (!message && typeof body.message === 'string') message = body.message;

  const details = [...detailsFromUnknown(innerDetails), ...detailsFromUnknown(body.details)];
  const hints: string[] = [];
  let supportedLevels: string[] | undefined;
  if (Array.isArray(body.supportedLevels)) {
    supportedLevels = body.supportedLevels.filter((l): l is string => typeof l === 'string');
    if (supportedLevels.length > 0) hints.push(`Supported levels: ${supportedLevels.join(', ')}`);
  }

  const out: ParsedErrorBody = {
    message: message?.trim() ? truncate(message.trim(), MAX_MESSAGE) : statusLine(status),
    details: details.slice(0, MAX_DETAILS),
    hints,
    body,
  };
  if (type !== undefined) out.type = type;
  if (supportedLevels !== undefined) out.supportedLevels = supportedLevels;
  return out;
};

export const timeoutError = (method: HttpMethod, path: string, timeoutMs: number, cause?: unknown): BotError =>
  new BotError('UPSTREAM_DOWN', `Plexus did not answer ${method} ${path} within ${formatDuration(timeoutMs)}`, {
    ...(cause === undefined ? {} : { cause }),
  });

export const unreachableError = (origin: string, reason: string, cause?: unknown): BotError =>
  new BotError('UPSTREAM_DOWN', `Cannot reach Plexus at ${origin}: ${reason}`, {
    ...(cause === undefined ? {} : { cause }),
  });

/** Short, one-line summary of zod issues: `data[0].total: expected number; …`. */
export const summarizeZodIssues = (issues: readonly z.core.$ZodIssue[], max = 3): string => {
  const parts = issues.slice(0, max).map((i) => {
    const p = formatIssuePath(i.path);
    return `${p || '(root)'}: ${oneLine(i.message)}`;
  });
  if (issues.length > max) parts.push(`and ${issues.length - max} more`);
  return truncate(parts.join('; '), 300);
};

export const invalidAnswerError = (
  method: HttpMethod,
  path: string,
  summary: string,
  opts: { details?: FieldIssue[]; cause?: unknown } = {},
): BotError =>
  new BotError('UPSTREAM_INVALID', `Plexus answered ${method} ${path} with data the bot does not understand: ${summary}`, {
    details: opts.details ?? [],
    ...(opts.cause === undefined ? {} : { cause: opts.cause }),
  });

export const zodIssuesToDetails = (issues: readonly z.core.$ZodIssue[]): FieldIssue[] =>
  issues.slice(0, MAX_DETAILS).map((i) => ({ path: formatIssuePath(i.path), message: truncate(oneLine(i.message), MAX_DETAIL) }));
