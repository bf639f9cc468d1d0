/**
 * Every JSON call of every command, answered with a body of the wrong shape (and `{}` where an
 * empty object is not an answer): the reply is UPSTREAM_INVALID and names the field. Driven by the
 * command catalogue, so a command's new call without a case here fails.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/commands/index.js';
import { catalog } from '../src/core/catalog.js';
import type { App } from '../src/app.js';
import { loadConfig, type BotConfig } from '../src/config.js';
import type { PlexusApi } from '../src/base/plexus-api.js';
import { renderText } from '../src/render/text.js';
import type { FakePlexus } from './fakes/plexus.js';
import { consoleAllSlackRead, consoleUser, FakeClock, useFakePlexus, useHarness, wireApp } from './support/harness.js';

/**
 * What the call answers: a record (`{}` is not one), a write result (`success: true`), a map by
 * name (`{}` is none), a free-form object (`{}` is nothing set) or a JSON array.
 */
type Kind = 'record' | 'write' | 'map' | 'free' | 'list';

interface Case {
  /** A command line that makes the call (confirmed when it asks). */
  line: string;
  kind?: Kind;
  /** The field a record's `{}` lacks, or a list item's (`[0].provider`). */
  field?: string;
  /** Faults that bring the command to the call. */
  before?: (fake: FakePlexus) => void;
  /** For a command that words the error itself: what the reply says instead of `<field>: `. */
  says?: RegExp;
}

/** The bodies sent and the field each must be named by. */
function badBodies(c: Case): [unknown, string][] {
  switch (c.kind ?? 'record') {
    case 'record':
      return [
        [{}, c.field!],
        [['not', 'an', 'object'], '(root)'],
      ];
    case 'write':
      return [
        [{}, 'success'],
        [{ success: false, message: 'not done' }, 'success'],
      ];
    case 'map':
      return [
        [{ broken: 'not-an-object' }, 'broken'],
        [[], '(root)'],
      ];
    case 'free':
      return [
        [['not', 'an', 'object'], '(root)'],
        ['text', '(root)'],
      ];
    case 'list':
      return [
        [{}, '(root)'],
        [[{}], `[0].${c.field!}`],
      ];
  }
}

const notFound = (path: RegExp) => (fake: FakePlexus) => fake.failNext(1, 404, undefined, { method: 'GET', path });

const TARGETS = '{"target_groups":[{"name":"g","selector":"in_order","targets":[{"provider":"openai","model":"gpt-4o"}]}]}';
const PROVIDER_SET = 'providers set openai {"api_base_url":"https://api.openai.com/v1","api_key":"sk-test-0000"}';
const ALIAS_SET = `aliases set smart ${TARGETS}`;
const ALIAS_PATCH = `aliases patch smart ${TARGETS}`;
const USER_QUOTA_SET = 'user-quotas set burst type=rolling limitType=requests limit=3 duration=10m';
const MCP_SET = 'mcp set github {"upstream_url":"https://example.com/mcp"}';
const FETCH_MODELS = 'providers fetch-models {"url":"https://api.openai.com/v1/models"}';

/** Keyed `command|METHOD path` as in the catalogue. */
const CASES: Record<string, Case> = {
  'whoami|GET /v0/management/auth/verify': { line: 'whoami', field: 'role' },
  'whoami|GET /v0/management/self/me': { line: 'whoami', field: 'role' },
  'usage summary|GET /v0/management/usage/summary': { line: 'usage summary', field: 'range' },
  'usage summary|GET /v0/management/usage': { line: 'usage summary', field: 'data' },
  'usage list|GET /v0/management/usage': { line: 'usage list', field: 'data' },
  'usage delete|GET /v0/management/usage': { line: 'usage delete latest', field: 'data' },
  'usage delete|DELETE /v0/management/usage/{requestId}': { line: 'usage delete latest', kind: 'write' },
  'usage prune|GET /v0/management/usage': { line: 'usage prune 1', field: 'data' },
  'usage prune|DELETE /v0/management/usage': { line: 'usage prune 1', kind: 'write' },
  'errors list|GET /v0/management/errors': { line: 'errors list', field: 'data' },
  'errors delete|GET /v0/management/errors': { line: 'errors delete latest', field: 'data' },
  'errors delete|DELETE /v0/management/errors/{requestId}': { line: 'errors delete latest', kind: 'write' },
  'errors clear|GET /v0/management/errors': { line: 'errors clear', field: 'data' },
  'errors clear|DELETE /v0/management/errors': { line: 'errors clear', kind: 'write' },
  'debug status|GET /v0/management/debug': { line: 'debug status', field: 'enabled' },
  'debug on|GET /v0/management/debug': { line: 'debug on', field: 'enabled' },
  'debug on|GET /v0/management/providers': { line: 'debug on providers=openai', kind: 'map' },
  'debug on|GET /v0/management/keys': { line: 'debug on keys=web-app', kind: 'map' },
  'debug on|GET /v0/management/aliases': { line: 'debug on aliases=smart', kind: 'map' },
  'debug on|PATCH /v0/management/debug': { line: 'debug on', field: 'enabled' },
  'debug off|GET /v0/management/debug': { line: 'debug off', field: 'enabled' },
  'debug off|PATCH /v0/management/debug': { line: 'debug off', field: 'enabled' },
  'debug toggle-self|POST /v0/management/self/debug/toggle': { line: 'debug toggle-self key=web-app', field: 'keyName' },
  'debug logs|GET /v0/management/debug/logs': { line: 'debug logs', field: 'data' },
  'debug log|GET /v0/management/debug/logs/{requestId}': { line: 'debug log latest', field: 'requestId' },
  'debug log|GET /v0/management/debug/logs': { line: 'debug log latest', field: 'data' },
  'debug delete|GET /v0/management/debug/logs/{requestId}': { line: 'debug delete latest', field: 'requestId' },
  'debug delete|GET /v0/management/debug/logs': { line: 'debug delete latest', field: 'data' },
  'debug delete|DELETE /v0/management/debug/logs/{requestId}': { line: 'debug delete latest', kind: 'write' },
  'debug clear|GET /v0/management/debug/logs': { line: 'debug clear', field: 'data' },
  'debug clear|DELETE /v0/management/debug/logs': { line: 'debug clear', kind: 'write' },
  'providers list|GET /v0/management/providers': { line: 'providers list', kind: 'map' },
  'providers list|GET /v0/management/cooldowns': { line: 'providers list', kind: 'list', field: 'provider' },
  'providers get|GET /v0/management/providers/{slug}': { line: 'providers get openai', field: 'api_base_url' },
  'providers set|GET /v0/management/providers/{slug}': { line: PROVIDER_SET, field: 'api_base_url' },
  'providers set|PUT /v0/management/providers/{slug}': { line: PROVIDER_SET, kind: 'write' },
  'providers patch|GET /v0/management/providers/{slug}': { line: 'providers patch openai display_name=X', field: 'api_base_url' },
  'providers patch|PATCH /v0/management/providers/{slug}': { line: 'providers patch openai display_name=X', kind: 'write' },
  'providers enable|GET /v0/management/providers/{slug}': { line: 'providers enable azure-eu', field: 'api_base_url' },
  'providers enable|PATCH /v0/management/providers/{slug}': { line: 'providers enable azure-eu', kind: 'write' },
  'providers disable|GET /v0/management/providers/{slug}': { line: 'providers disable openai', field: 'api_base_url' },
  'providers disable|PATCH /v0/management/providers/{slug}': { line: 'providers disable openai', kind: 'write' },
  'providers delete|GET /v0/management/providers/{slug}': { line: 'providers delete openai', field: 'api_base_url' },
  'providers delete|GET /v0/management/aliases': { line: 'providers delete openai', kind: 'map' },
  'providers delete|DELETE /v0/management/providers/{slug}': { line: 'providers delete openai', kind: 'write' },
  'providers fetch-models|POST /v0/management/providers/fetch-models': { line: FETCH_MODELS, field: 'data' },
  'quotas checkers|GET /v0/management/quota-checkers': { line: 'quotas checkers', field: 'knownTypes' },
  'quotas checkers|GET /v0/management/quota-checker-types': { line: 'quotas checkers', field: 'types' },
  'quotas list|GET /v0/management/quotas': { line: 'quotas list', kind: 'list', field: 'checkerId' },
  'quotas get|GET /v0/management/quotas/{checkerId}': { line: 'quotas get openrouter-credits', field: 'checkerId' },
  'quotas get|GET /v0/management/quota-checkers': { line: 'quotas get nope', field: 'knownTypes' },
  'quotas history|GET /v0/management/quotas/{checkerId}/history': { line: 'quotas history openrouter-credits', field: 'history' },
  'quotas history|GET /v0/management/quotas/{checkerId}': { line: 'quotas history nope', field: 'checkerId' },
  'quotas history|GET /v0/management/quota-checkers': { line: 'quotas history nope', field: 'knownTypes' },
  'quotas check|POST /v0/management/quotas/{checkerId}/check': { line: 'quotas check openrouter-credits', field: 'checkerId' },
  'aliases list|GET /v0/management/aliases': { line: 'aliases list', kind: 'map' },
  'aliases get|GET /v0/management/aliases/{slug}': { line: 'aliases get smart', field: 'target_groups' },
  'aliases set|GET /v0/management/aliases/{slug}': { line: ALIAS_SET, field: 'target_groups' },
  'aliases set|PUT /v0/management/aliases/{slug}': { line: ALIAS_SET, kind: 'write' },
  'aliases set|GET /v0/management/providers': { line: ALIAS_SET, kind: 'map' },
  'aliases patch|GET /v0/management/aliases/{slug}': { line: 'aliases patch smart sticky_session=false', field: 'target_groups' },
  'aliases patch|PATCH /v0/management/aliases/{slug}': { line: 'aliases patch smart sticky_session=false', kind: 'write' },
  'aliases patch|GET /v0/management/providers': { line: ALIAS_PATCH, kind: 'map' },
  'aliases delete|GET /v0/management/aliases/{slug}': { line: 'aliases delete cheap', field: 'target_groups' },
  'aliases delete|DELETE /v0/management/models/{aliasId}': { line: 'aliases delete cheap', kind: 'write' },
  'aliases delete-all|GET /v0/management/aliases': { line: 'aliases delete-all', kind: 'map' },
  'aliases delete-all|DELETE /v0/management/models': { line: 'aliases delete-all', kind: 'write' },
  'keys list|GET /v0/management/keys': { line: 'keys list', kind: 'map' },
  'keys get|GET /v0/management/keys/{name}': { line: 'keys get web-app', field: 'secret' },
  'keys create|GET /v0/management/keys/{name}': { line: 'keys create new-key', field: 'secret' },
  'keys create|PUT /v0/management/keys/{name}': { line: 'keys create new-key', kind: 'write' },
  'keys set|GET /v0/management/keys/{name}': { line: 'keys set web-app secret=sk-test-0123456789abcdef', field: 'secret' },
  'keys set|PUT /v0/management/keys/{name}': { line: 'keys set web-app secret=sk-test-0123456789abcdef', kind: 'write' },
  'keys patch|GET /v0/management/keys/{name}': { line: 'keys patch web-app comment=x', field: 'secret' },
  'keys patch|PATCH /v0/management/keys/{name}': { line: 'keys patch web-app comment=x', kind: 'write' },
  'keys rotate|GET /v0/management/keys/{name}': { line: 'keys rotate web-app', field: 'secret' },
  'keys rotate|POST /v0/management/self/rotate': { line: 'keys rotate web-app', field: 'keyName' },
  'keys disable|POST /v0/management/keys/{name}/disable': { line: 'keys disable contractor-temp', kind: 'write' },
  'keys disable|GET /v0/management/keys/{name}': { line: 'keys disable contractor-temp', field: 'secret' },
  'keys delete|GET /v0/management/keys/{name}': { line: 'keys delete alice-dev', field: 'secret' },
  'keys delete|DELETE /v0/management/keys/{name}': { line: 'keys delete alice-dev', kind: 'write' },
  'cooldowns list|GET /v0/management/cooldowns': { line: 'cooldowns list', kind: 'list', field: 'provider' },
  'cooldowns clear|GET /v0/management/cooldowns': { line: 'cooldowns clear groq', kind: 'list', field: 'provider' },
  'cooldowns clear|DELETE /v0/management/cooldowns/{provider}': { line: 'cooldowns clear groq', kind: 'write' },
  'cooldowns clear-all|GET /v0/management/cooldowns': { line: 'cooldowns clear-all', kind: 'list', field: 'provider' },
  'cooldowns clear-all|DELETE /v0/management/cooldowns': { line: 'cooldowns clear-all', kind: 'write' },
  'quota status|GET /v0/management/quota/status/{key}': { line: 'quota status web-app', field: 'key' },
  'quota status|GET /v0/management/keys': { line: 'quota status web-app', kind: 'map', before: notFound(/\/quota\/status\//) },
  'quota clear|GET /v0/management/quota/status/{key}': { line: 'quota clear web-app', field: 'key' },
  'quota clear|POST /v0/management/quota/clear': { line: 'quota clear web-app', kind: 'write' },
  'user-quotas list|GET /v0/management/user-quotas': { line: 'user-quotas list', kind: 'map' },
  'user-quotas list|GET /v0/management/keys': { line: 'user-quotas list', kind: 'map' },
  'user-quotas get|GET /v0/management/user-quotas/{name}': { line: 'user-quotas get monthly-cost', field: 'type' },
  'user-quotas get|GET /v0/management/keys': { line: 'user-quotas get monthly-cost', kind: 'map' },
  'user-quotas set|GET /v0/management/user-quotas/{name}': { line: USER_QUOTA_SET, field: 'type' },
  'user-quotas set|PUT /v0/management/user-quotas/{name}': { line: USER_QUOTA_SET, kind: 'write' },
  'user-quotas patch|GET /v0/management/user-quotas/{name}': { line: 'user-quotas patch requests-daily limit=200', field: 'type' },
  'user-quotas patch|PATCH /v0/management/user-quotas/{name}': { line: 'user-quotas patch requests-daily limit=200', kind: 'write' },
  'user-quotas delete|GET /v0/management/user-quotas/{name}': { line: 'user-quotas delete weekly-tokens', field: 'type' },
  'user-quotas delete|GET /v0/management/keys': { line: 'user-quotas delete weekly-tokens', kind: 'map' },
  'user-quotas delete|GET /v0/management/system-settings': { line: 'user-quotas delete weekly-tokens', kind: 'free' },
  'user-quotas delete|DELETE /v0/management/user-quotas/{name}': { line: 'user-quotas delete weekly-tokens', kind: 'write' },
  'mcp list|GET /v0/management/mcp-servers': { line: 'mcp list', kind: 'map' },
  'mcp set|GET /v0/management/mcp-servers/{name}': { line: MCP_SET, field: 'upstream_url' },
  'mcp set|PUT /v0/management/mcp-servers/{name}': { line: MCP_SET, kind: 'write' },
  'mcp delete|GET /v0/management/mcp-servers/{name}': { line: 'mcp delete github', field: 'upstream_url' },
  'mcp delete|GET /v0/management/mcp-logs': { line: 'mcp delete github', field: 'data' },
  'mcp delete|DELETE /v0/management/mcp-servers/{name}': { line: 'mcp delete github', kind: 'write' },
  'mcp logs|GET /v0/management/mcp-logs': { line: 'mcp logs', field: 'data' },
  'mcp logs delete|GET /v0/management/mcp-logs': { line: 'mcp logs delete latest', field: 'data' },
  'mcp logs delete|DELETE /v0/management/mcp-logs/{requestId}': { line: 'mcp logs delete latest', kind: 'write' },
  'mcp logs prune|GET /v0/management/mcp-logs': { line: 'mcp logs prune 1', field: 'data' },
  'mcp logs prune|DELETE /v0/management/mcp-logs': { line: 'mcp logs prune 1', kind: 'write' },
  'settings get|GET /v0/management/system-settings': { line: 'settings get', kind: 'free' },
  'settings set|GET /v0/management/system-settings': { line: 'settings set {"default_quotas":["requests-daily"]}', kind: 'free' },
  'settings set|PATCH /v0/management/system-settings': { line: 'settings set {"default_quotas":["requests-daily"]}', kind: 'write' },
  'config status|GET /v0/management/config/status': { line: 'config status', field: 'providerCount' },
  'config show|GET /v0/management/config': { line: 'config show', field: 'providers' },
  'config export|GET /v0/management/config/export': { line: 'config export', field: 'providers' },
  'config failover|GET /v0/management/config/failover': { line: 'config failover', field: 'enabled' },
  'config failover|PATCH /v0/management/config/failover': { line: 'config failover enabled=true', field: 'enabled' },
  'config exploration-rate|GET /v0/management/config/exploration-rate': {
    line: 'config exploration-rate',
    field: 'performanceExplorationRate',
  },
  'config exploration-rate|PATCH /v0/management/config/exploration-rate': {
    line: 'config exploration-rate latencyExplorationRate=0.1',
    field: 'latencyExplorationRate',
  },
  'config background-exploration|GET /v0/management/config/background-exploration': {
    line: 'config background-exploration',
    field: 'enabled',
  },
  'config background-exploration|PATCH /v0/management/config/background-exploration': {
    line: 'config background-exploration workerConcurrency=3',
    field: 'workerConcurrency',
  },
  'config cooldown|GET /v0/management/config/cooldown': { line: 'config cooldown', field: 'initialMinutes' },
  'config cooldown|PATCH /v0/management/config/cooldown': { line: 'config cooldown maxMinutes=60', field: 'maxMinutes' },
  'config timeout|GET /v0/management/config/timeout': { line: 'config timeout', field: 'defaultSeconds' },
  'config timeout|PATCH /v0/management/config/timeout': { line: 'config timeout defaultSeconds=180', field: 'defaultSeconds' },
  'config stall|GET /v0/management/config/stall': { line: 'config stall', field: 'ttfbSeconds' },
  'config stall|PATCH /v0/management/config/stall': { line: 'config stall stallCooldown=true', field: 'stallCooldown' },
  'config vision-fallthrough|GET /v0/management/config/vision-fallthrough': { line: 'config vision-fallthrough', kind: 'free' },
  'config vision-fallthrough|PATCH /v0/management/config/vision-fallthrough': {
    line: 'config vision-fallthrough descriptor_model=smart',
    kind: 'free',
  },
  'concurrency|GET /v0/management/concurrency': { line: 'concurrency', field: 'data' },
  'performance|GET /v0/management/performance': { line: 'performance', kind: 'list', field: 'provider' },
  'logging level|GET /v0/management/logging/level': { line: 'logging level debug', field: 'level' },
  'logging level|PUT /v0/management/logging/level': { line: 'logging level debug', field: 'level' },
  'logging reset|GET /v0/management/logging/level': { line: 'logging reset', field: 'level' },
  'logging reset|DELETE /v0/management/logging/level': { line: 'logging reset', field: 'level' },
  'logging modules|GET /v0/management/logging/modules': { line: 'logging modules modules=router', field: 'modules' },
  'logging modules|PUT /v0/management/logging/modules': { line: 'logging modules modules=router', field: 'modules' },
  'logging modules clear|GET /v0/management/logging/modules': { line: 'logging modules clear', field: 'modules' },
  'logging modules clear|DELETE /v0/management/logging/modules': { line: 'logging modules clear', field: 'modules' },
  'logs reset|GET /v0/management/usage': { line: 'logs reset', field: 'data' },
  'logs reset|GET /v0/management/errors': { line: 'logs reset', field: 'data' },
  'logs reset|GET /v0/management/debug/logs': { line: 'logs reset', field: 'data' },
  'logs reset|GET /v0/management/mcp-logs': { line: 'logs reset', field: 'data' },
  'logs reset|DELETE /v0/management/logs/reset': { line: 'logs reset', kind: 'write' },
  'backup|GET /v0/management/backup': {
    line: 'backup',
    says: /GET \/v0\/management\/backup: the answer is not a backup Plexus could restore \(.*`plexus_backup`/,
  },
  'backup|GET /v0/management/usage': { line: 'backup --full', field: 'data' },
  'backup|GET /v0/management/errors': { line: 'backup --full', field: 'data' },
  'backup|GET /v0/management/debug/logs': { line: 'backup --full', field: 'data' },
  'backup|GET /v0/management/mcp-logs': { line: 'backup --full', field: 'data' },
  'restore|GET /v0/management/config/status': { line: 'restore examples/plexus-backup-example.json', field: 'providerCount' },
  'restore|GET /v0/management/system-settings': { line: 'restore examples/plexus-backup-example.json', kind: 'free' },
  'restore|GET /v0/management/keys': { line: 'restore examples/plexus-backup-example.json', kind: 'map' },
  'restore|GET /v0/management/usage': { line: 'restore {archive}', field: 'data' },
  'restore|GET /v0/management/errors': { line: 'restore {archive}', field: 'data' },
  'restore|GET /v0/management/debug/logs': { line: 'restore {archive}', field: 'data' },
  'restore|GET /v0/management/mcp-logs': { line: 'restore {archive}', field: 'data' },
  'restore|POST /v0/management/restore': { line: 'restore examples/plexus-backup-example.json', kind: 'write' },
  'restart|POST /v0/management/restart': { line: 'restart', kind: 'write' },
};

/** Calls not answered with JSON a schema reads, and why. */
const NOT_JSON: Record<string, string> = {
  'help|-': 'makes no call',
  'digest list|-': 'makes no call',
  'alerts snooze|-': "makes no call: it changes the bot's own alert state",
  'metrics|GET /v0/management/metrics': 'Prometheus text (test/commands-runtime.test.ts covers an answer without samples)',
  'digest now|GET /v0/management/metrics': 'Prometheus text',
  'logs tail|GET /v0/system/logs/stream': 'Server-Sent Events, read line by line',
};

/**
 * `digest now` needs a digest in the configuration, and it builds what it can: a section it cannot
 * read becomes a note naming the call and the field (only the current usage summary fails it).
 */
const DIGEST_CASES: Record<string, Case & { note?: boolean }> = {
  'digest now|GET /v0/management/usage/summary': { line: 'digest now daily', field: 'range' },
  'digest now|GET /v0/management/cooldowns': { line: 'digest now daily', kind: 'list', field: 'provider', note: true },
  'digest now|GET /v0/management/quotas': { line: 'digest now daily', kind: 'list', field: 'checkerId', note: true },
  'digest now|GET /v0/management/keys': { line: 'digest now daily', kind: 'map', note: true },
  'digest now|GET /v0/management/quota/status/{key}': { line: 'digest now daily', field: 'key', note: true },
};

/** Calls with their own check of the answer, and where that is tested. */
const TOLERATED: Record<string, string> = {
  'api list|GET /.well-known/plexus/openapi.json': 'the OpenAPI document has its own check (test/commands-api.test.ts)',
  'api describe|GET /.well-known/plexus/openapi.json': 'as above',
  'api call|GET /.well-known/plexus/openapi.json': 'as above',
};

const covered = (k: string) => k in CASES || k in DIGEST_CASES || k in NOT_JSON || k in TOLERATED;
const keyOf = (e: { command: string; method: string | null; path: string | null }) =>
  `${e.command}|${e.method === null ? '-' : `${e.method} ${e.path}`}`;
const entries = catalog(commands);
const answeredWith = (method: string, route: RegExp) =>
  new RegExp(`Plexus answered ${method} ${route.source.slice(1, -1)} with data the bot does not understand: `);
const routeOf = (path: string): RegExp => new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);

describe('the catalogue is covered', () => {
  it('every call of every command has a case or a stated reason', () => {
    const missing = entries.map(keyOf).filter((k) => !covered(k));
    expect(missing, `calls without a case in test/response-shapes.test.ts:\n  ${missing.join('\n  ')}\n`).toEqual([]);
  });

  it('every case and reason names a call of the catalogue', () => {
    const known = new Set(entries.map(keyOf));
    const stale = [CASES, DIGEST_CASES, NOT_JSON, TOLERATED].flatMap((t) => Object.keys(t)).filter((k) => !known.has(k));
    expect(stale).toEqual([]);
  });
});

describe('a wrong answer to any call is UPSTREAM_INVALID naming the field', () => {
  const h = useHarness({ access: consoleAllSlackRead });
  const cases = entries.filter((e) => keyOf(e) in CASES).map((e) => [keyOf(e), e.method!, e.path!, CASES[keyOf(e)]!] as const);
  let dir = '';
  let archive = '';

  // A full archive from the fake, for the restore cases; made by whichever of them runs first.
  const fullArchive = async (): Promise<string> => {
    if (archive) return archive;
    dir = await mkdtemp(join(tmpdir(), 'plexus-shapes-'));
    const file = join(dir, 'plexus-backup-full.tar.gz');
    await writeFile(file, (await h.plexus.requestRaw('GET', '/v0/management/backup', { query: { full: 'true' } })).body);
    archive = file;
    return archive;
  };
  afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  it.each(cases)('%s', async (_key, method, path, c) => {
    const route = routeOf(path);
    const line = c.line.includes('{archive}') ? c.line.replace('{archive}', await fullArchive()) : c.line;
    for (const [body, field] of badBodies(c)) {
      const sent = JSON.stringify(body);
      h.fake.reset();
      c.before?.(h.fake);
      // Every matching request gets the body: one still in flight from an earlier case cannot use it up.
      h.fake.failNext(Infinity, 200, sent, { method, path: route });
      const out = await h.runConfirmed(line);
      const text = h.text(out);
      expect(out.code, `${c.line} answered with ${sent}:\n${text}`).toBe('UPSTREAM_INVALID');
      if (c.says) expect(text, sent).toMatch(c.says);
      else {
        expect(text, sent).toMatch(answeredWith(method, route));
        expect(text, sent).toContain(`${field}: `);
      }
    }
  });
});

describe('digest now: a section it cannot read is named, with the field', () => {
  const daily: BotConfig['digests'][number] = {
    name: 'daily',
    schedule: '0 9 * * *',
    timezone: 'UTC',
    range: 'day',
    channels: { slack: 'C0OPS' },
  };
  const fake = useFakePlexus();
  let app: App;
  let plexus: PlexusApi;

  beforeAll(() => {
    const config: BotConfig = { ...loadConfig({}), access: consoleAllSlackRead, digests: [daily] };
    ({ app, plexus } = wireApp({ fake, clock: new FakeClock(), config, logs: [] }));
  });
  afterAll(() => plexus.close());

  const cases = entries
    .filter((e) => keyOf(e) in DIGEST_CASES)
    .map((e) => [keyOf(e), e.method!, e.path!, DIGEST_CASES[keyOf(e)]!] as const);

  it.each(cases)('%s', async (_key, method, path, c) => {
    const route = routeOf(path);
    for (const [body, field] of badBodies(c)) {
      const sent = JSON.stringify(body);
      fake.reset();
      fake.failNext(Infinity, 200, sent, { method, path: route });
      const out = await app.pipeline.handle({ actor: consoleUser, text: c.line });
      const text = renderText(out.reply);
      expect(out.code, `${c.line} answered with ${sent}:\n${text}`).toBe(c.note ? undefined : 'UPSTREAM_INVALID');
      if (c.note) expect(text, sent).toContain('could not be read (');
      expect(text.replace(/\s+/g, ' '), sent).toMatch(answeredWith(method, route));
      expect(text, sent).toContain(`${field}: `);
    }
  });
});
