import { BotError } from '../base/errors.js';
import type { QueryValue } from '../base/plexus-api.js';

/**
 * A path segment that may legitimately contain `/` (provider slugs such as
 * `org/team`). Each `/`-separated part is still URI-encoded on its own.
 */
export interface SlashSegment {
  readonly kind: 'slash-segment';
  readonly value: string;
}

export type PathSegment = string | number | SlashSegment;

export const MANAGEMENT_ROOT = '/v0/management';
export const SYSTEM_ROOT = '/v0/system';

/** Marks a segment whose `/` characters are kept as path separators. */
export const slashSegment = (value: string): SlashSegment => ({ kind: 'slash-segment', value });

/** Alias of {@link slashSegment} for the common case. */
export const slug = slashSegment;

/** `{name}`: a route template placeholder (endpoint declarations), kept as is. */
const PLACEHOLDER = /^\{[A-Za-z_][A-Za-z0-9_]*\}$/;

const encodePart = (part: string): string => {
  // `.` and `..` would be collapsed by URL normalisation somewhere on the way.
  if (part === '.' || part === '..') return part.replace(/\./g, '%2E');
  return encodeURIComponent(part);
};

const encodeSegment = (segment: PathSegment): string => {
  if (typeof segment === 'number') {
    if (!Number.isFinite(segment)) throw new BotError('INVALID_ARGS', `Invalid path segment: ${String(segment)}`);
    return encodePart(String(segment));
  }
  if (typeof segment === 'string') {
    if (segment === '') throw new BotError('INVALID_ARGS', 'A name in the request path is empty');
    if (PLACEHOLDER.test(segment)) return segment;
    return encodePart(segment);
  }
  const parts = segment.value.split('/');
  if (parts.some((p) => p === '')) {
    throw new BotError('INVALID_ARGS', `Invalid name '${segment.value}': empty part between slashes`);
  }
  return parts.map(encodePart).join('/');
};

/** `apiPath('/v0/management', 'a', 'b c')` → `/v0/management/a/b%20c`. */
export const apiPath = (root: string, ...segments: PathSegment[]): string => {
  const base = root.endsWith('/') ? root.slice(0, -1) : root;
  if (segments.length === 0) return base;
  return `${base}/${segments.map(encodeSegment).join('/')}`;
};

/**
 * `/v0/management/<segments…>`, each segment URI-encoded (a `/` inside a plain
 * string becomes `%2F`). Wrap a provider slug in {@link slashSegment} to keep
 * its slashes: `mgmtPath('providers', slashSegment('org/team'))`. A segment
 * that is exactly a `{param}` placeholder is kept unencoded, so route
 * templates read naturally: `mgmtPath('keys', '{name}')`.
 */
export const mgmtPath = (...segments: PathSegment[]): string => apiPath(MANAGEMENT_ROOT, ...segments);

/** Same as {@link mgmtPath} with every string segment allowed to contain `/`. */
export const mgmtPathKeepSlashes = (...segments: (string | number)[]): string =>
  mgmtPath(...segments.map((s) => (typeof s === 'string' ? slashSegment(s) : s)));

/** `/v0/system/<segments…>`. */
export const systemPath = (...segments: PathSegment[]): string => apiPath(SYSTEM_ROOT, ...segments);

/** `a=1&b=x%20y`, dropping undefined/null values (no leading `?`). */
export const buildQuery = (query: Record<string, QueryValue> | undefined): string => {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.append(key, String(value));
  }
  return params.toString();
};

/** Appends a query to a path that may already carry one. */
export const withQuery = (path: string, query: Record<string, QueryValue> | undefined): string => {
  const qs = buildQuery(query);
  if (!qs) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${qs}`;
};

/** The path without its query string (safe to show and log). */
export const stripQuery = (path: string): string => {
  const i = path.search(/[?#]/);
  return i === -1 ? path : path.slice(0, i);
};

/** Where the client sends calls: the origin and a path prefix (`''` or `/gateway`). */
export interface Target {
  origin: string;
  prefix: string;
}

export const parseBaseUrl = (baseUrl: string): Target => {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new BotError('INTERNAL', 'The Plexus base URL is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BotError('INTERNAL', `The Plexus base URL must be http or https, not ${url.protocol}`);
  }
  const prefix = url.pathname.replace(/\/+$/, '');
  return { origin: url.origin, prefix };
};
