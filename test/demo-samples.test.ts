/**
 * Replays recorded calls against the real Plexus (samples/) on the demo
 * gateway and expects the same status and body, byte for byte once parsed.
 * Only calls whose answer does not depend on the seeded data are replayed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoGateway, type DemoGateway } from '../src/demo/gateway.js';
import { demoSeed } from '../src/demo/seed.js';
import type { DemoSeed } from '../src/demo/types.js';
import { loadSample } from './support/samples.js';

const REPLAYED = [
  'unknown-management-route-404',
  'config-put-not-a-route',
  'errors-get-by-id-not-a-route',
  'aliases-delete-route-not-exists',
  'auth-verify-admin',
  'self-me-admin',
  'self-rotate-admin-without-keyName',
  'self-rotate-admin-unknown-key',
  'providers-get-unknown-404',
  'providers-patch-unknown-404',
  'providers-patch-array-body-400',
  'providers-put-invalid-400',
  'providers-put-wrong-type-400',
  'providers-put-tmp',
  'providers-delete-unknown',
  'fetch-models-invalid-body-400',
  'fetch-models-localhost-ssrf-400',
  'quotas-get-unknown',
  'quotas-check-unknown-404',
  'quotas-history-unknown',
  'quota-checker-types',
  'aliases-get-unknown-404',
  'aliases-patch-unknown-404',
  'aliases-put-invalid-selector-400',
  'aliases-put-invalid-target-400',
  'aliases-put-self-cycle-500',
  'models-delete-unknown',
  'keys-get-unknown-404',
  'keys-put-missing-secret-400',
  'keys-put-bad-ip-400',
  'keys-put-star-name-400',
  'keys-put-expiresAt-400',
  'keys-put-unknown-quota-name',
  'keys-patch-unknown-404',
  'keys-delete-unknown',
  'user-quotas-get-unknown-404',
  'user-quotas-put-invalid-name-400',
  'user-quotas-put-invalid-body-400',
  'user-quotas-put-unknown-type-400',
  'user-quotas-put-tmp',
  'user-quotas-put-tiny',
  'user-quotas-patch-unknown-404',
  'user-quotas-delete-unknown-404',
  'quota-status-unknown-key-404',
  'quota-clear-missing-key-400',
  'quota-clear-unknown-key-no-quota',
  'quota-clear-unknown-key-with-quota-404',
  'mcp-servers-get-unknown-404',
  'mcp-servers-put-invalid-name-400',
  'mcp-servers-put-invalid-body-400',
  'mcp-servers-put-tmp',
  'mcp-servers-delete-unknown',
  'system-settings-patch-array-400',
  'system-settings-patch-default-quotas-unknown-400',
  'system-settings-patch-default-quotas-clear',
  'config-background-exploration-get',
  'config-background-exploration-patch',
  'config-background-exploration-patch-invalid-400',
  'config-cooldown-get',
  'config-cooldown-patch',
  'config-cooldown-patch-invalid-400',
  'config-exploration-rate-get',
  'config-exploration-rate-patch',
  'config-exploration-rate-patch-invalid-400',
  'config-timeout-patch',
  'config-timeout-patch-invalid-400',
  'config-stall-get',
  'config-stall-patch',
  'config-stall-patch-invalid-400',
  'config-failover-patch-array-400',
  'config-vision-fallthrough-get',
  'config-vision-fallthrough-patch',
  'config-vision-fallthrough-patch-array-400',
  'config-capture-trace-on-error-get',
  'config-trusted-proxies-get',
  'config-compaction-get',
  'config-mcp-enabled-get',
  'cooldowns-delete-unknown-provider',
  'cooldowns-delete-all',
  'usage-delete-unknown-404',
  'usage-summary-invalid-range-400',
  'usage-summary-custom-missing-dates-400',
  'errors-delete-unknown-404',
  'errors-delete-all',
  'debug-logs-get-unknown-404',
  'debug-logs-delete-all',
  'debug-patch-invalid-400',
  'logging-level-get',
  'logging-level-put',
  'logging-level-put-verbose',
  'logging-level-put-invalid-400',
  'logging-level-put-missing-400',
  'logging-level-delete',
  'logging-modules-get',
  'logging-modules-put',
  'logging-modules-put-invalid-400',
  'logging-modules-delete',
  'logs-reset',
  'mcp-logs-delete-all',
  'performance-delete-missing-model-400',
  'concurrency-live',
  'restore-invalid-400',
  'restart',
];

const ADMIN = 'samples-admin-key';
let seed: DemoSeed;
let current: DemoGateway;
let server: http.Server;
let base: string;

beforeAll(async () => {
  // A small seed keeps a fresh gateway per replayed call cheap.
  const full = demoSeed(Date.parse('2026-11-26T18:40:00Z'));
  seed = { ...full, usage: full.usage.slice(-20), errors: [], debugLogs: [], mcpLogs: full.mcpLogs.slice(-3) };
  server = http.createServer((req, res) => current.handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('demo gateway answers like the recorded Plexus', () => {
  it.each(REPLAYED)('%s', async (name) => {
    const sample = loadSample(name);
    current = createDemoGateway({ adminKey: ADMIN, seed, now: () => Date.parse('2026-11-26T18:40:00Z') });
    const { method, path: p, body } = sample.request;
    const res = await fetch(base + p, {
      method,
      headers: { 'x-admin-key': ADMIN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect({ status: res.status, body: await res.json() }).toEqual({ status: sample.status, body: sample.body });
  });
});
