import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotError, type FieldIssue } from '../src/base/errors.js';
import { createPlexusClient } from '../src/plexus/client.js';
import {
  PlexusHttpError,
  detailsFromUnknown,
  formatIssuePath,
  isPlexusHttpError,
  parseErrorBody,
  redactSecrets,
  statusLine,
} from '../src/plexus/errors.js';
import type { HttpMethod, PlexusApi } from '../src/base/plexus-api.js';
import { caught, sendJson, startServer, type TestServer } from './support/test-server.js';
import { loadSample } from './support/samples.js';

interface Expected {
  status: number;
  message: string;
  type?: string;
  details?: FieldIssue[];
  hints?: string[];
}

const SUPPORTED = ['error', 'warn', 'info', 'debug', 'verbose', 'silly'];

/** Each error body format of the management API, as recorded from a real server. */
const CASES: Record<string, Expected> = {
  'providers-get-unknown-404': { status: 404, message: "Provider 'nope' not found" },
  'unknown-management-route-404': { status: 404, message: 'Not Found' },
  'auth-verify-wrong-key': { status: 401, message: 'Unauthorized', type: 'auth_error' },
  'providers-as-limited-key-403': { status: 403, message: 'Admin privileges required', type: 'forbidden' },
  'user-quotas-get-unknown-404': { status: 404, message: 'Quota not found: nope', type: 'not_found_error' },
  'user-quotas-delete-in-use-409': {
    status: 409,
    message: "Cannot delete quota 'requests-daily'. It is assigned to the following keys: bot-quota.",
    type: 'conflict_error',
  },
  'providers-put-invalid-400': {
    status: 400,
    message: 'Validation failed',
    details: [
      { path: 'api_base_url', message: 'api_base_url must be a valid URL or oauth://' },
      { path: '', message: "'api_key' must be specified for provider" },
    ],
  },
  'user-quotas-put-invalid-body-400': {
    status: 400,
    message: 'Validation failed',
    type: 'invalid_request_error',
    details: [
      { path: 'limit', message: 'Too small: expected number to be >=1' },
      { path: 'duration', message: 'Invalid input: expected string, received undefined' },
    ],
  },
  'fetch-models-invalid-body-400': {
    status: 400,
    message: 'Invalid request body',
    type: 'validation_error',
    details: [{ path: 'url', message: 'Invalid URL' }],
  },
  'fetch-models-upstream-404': {
    status: 404,
    message: 'Provider returned 404: Not Found',
    type: 'provider_error',
    details: [{ path: 'upstream', message: '{"error":{"message":"fake upstream: no route GET /nothing-here","type":"not_found"}}' }],
  },
  'logging-level-put-invalid-400': {
    status: 400,
    message: "Invalid log level 'bogus'. Supported levels: error, warn, info, debug, verbose, silly",
    hints: [`Supported levels: ${SUPPORTED.join(', ')}`],
  },
  'quota-recompute-rolling-400': {
    status: 400,
    message: "Failed to recompute quota 'tokens-rolling-hour': unsupported_quota_type",
    type: 'invalid_request_error',
  },
  'aliases-put-self-cycle-500': { status: 500, message: 'Internal server error' },
};

describe('parseErrorBody', () => {
  it.each(Object.entries(CASES))('%s', (name, want) => {
    const sample = loadSample(name);
    expect(sample.status).toBe(want.status);
    const got = parseErrorBody(sample.status, JSON.stringify(sample.body));
    expect(got.message).toBe(want.message);
    expect(got.type).toBe(want.type);
    expect(got.details).toEqual(want.details ?? []);
    expect(got.hints).toEqual(want.hints ?? []);
    expect(got.body).toEqual(sample.body);
  });

  it('keeps supportedLevels of the logging-level errors', () => {
    const sample = loadSample('logging-level-put-invalid-400');
    expect(parseErrorBody(400, JSON.stringify(sample.body)).supportedLevels).toEqual(SUPPORTED);
  });

  it('zod issue paths with indexes read naturally', () => {
    const sample = loadSample('providers-put-wrong-type-400');
    const got = parseErrorBody(400, JSON.stringify(sample.body));
    expect(got.message).toBe('Validation failed');
    expect(got.details.length).toBeGreaterThan(0);
    expect(formatIssuePath(['target_groups', 0, 'targets', 1, 'provider'])).toBe('target_groups[0].targets[1].provider');
    expect(formatIssuePath([])).toBe('');
    expect(formatIssuePath('a.b')).toBe('a.b');
  });

  it('debug PATCH bad body: plain error with zod details', () => {
    const sample = loadSample('debug-patch-invalid-400');
    const got = parseErrorBody(400, JSON.stringify(sample.body));
    expect(got.message).toBe((sample.body as { error: string }).error);
    expect(got.details).toHaveLength(1);
  });

  it.each([
    [502, '<html><body>Bad Gateway</body></html>', 'HTTP 502 Bad Gateway'],
    [500, '', 'HTTP 500 Internal Server Error'],
    [503, 'upstream connect error', 'HTTP 503 Service Unavailable'],
    [404, '{}', 'HTTP 404 Not Found'],
    [400, '{"error":null}', 'HTTP 400 Bad Request'],
    [400, '{"error":{"type":"x"}}', 'HTTP 400 Bad Request'],
    [418, '[1,2]', "HTTP 418 I'm a Teapot"],
    [599, '{not json', 'HTTP 599'],
  ])('status %i with body %j → %s', (status, body, message) => {
    expect(parseErrorBody(status, body).message).toBe(message);
  });

  it('keeps a long upstream body short', () => {
    const long = 'x'.repeat(5000);
    const [detail] = detailsFromUnknown(long);
    expect(detail?.path).toBe('upstream');
    expect(detail?.message.length).toBeLessThanOrEqual(300);
    const got = parseErrorBody(500, JSON.stringify({ error: 'y'.repeat(5000) }));
    expect(got.message.length).toBeLessThanOrEqual(500);
  });

  it('statusLine and redactSecrets', () => {
    expect(statusLine(504)).toBe('HTTP 504 Gateway Timeout');
    expect(redactSecrets('key sk-abc"def here, JSON "sk-abc\\"def"', ['sk-abc"def'])).toBe('key *** here, JSON "***"');
  });
});

describe('PlexusHttpError over HTTP', () => {
  let server: TestServer;
  let client: PlexusApi;
  let current = '';

  beforeAll(async () => {
    server = await startServer((_req, res) => {
      const sample = loadSample(current);
      sendJson(res, sample.status, sample.body);
    });
    client = createPlexusClient({ baseUrl: server.url, adminKey: 'sk-admin-key-for-errors', retries: 0 });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it.each(Object.entries(CASES))('%s', async (name, want) => {
    current = name;
    const sample = loadSample(name);
    const method = sample.request.method as HttpMethod;
    const err = await caught(() => client.request(method, sample.request.path, { body: sample.request.body }));
    expect(err).toBeInstanceOf(PlexusHttpError);
    expect(err).toBeInstanceOf(BotError);
    expect(isPlexusHttpError(err)).toBe(true);
    const e = err as PlexusHttpError;
    expect(e.code).toBe('UPSTREAM_HTTP');
    expect(e.status).toBe(want.status);
    expect(e.method).toBe(method);
    expect(e.path).toBe(sample.request.path.split('?')[0]);
    expect(e.message).toBe(want.message);
    expect(e.type).toBe(want.type);
    expect(e.details).toEqual(want.details ?? []);
    expect(e.hints).toEqual(want.hints ?? []);
  });

  it('drops the query from the error path', async () => {
    current = 'providers-get-unknown-404';
    const e = (await caught(() => client.request('GET', '/v0/management/providers/nope?token=abc'))) as PlexusHttpError;
    expect(e.path).toBe('/v0/management/providers/nope');
    expect(e.message).not.toContain('abc');
  });
});
