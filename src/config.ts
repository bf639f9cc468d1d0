import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { AccessRule } from './core/policy.js';
import { defaultReplicaId } from './replica.js';

/** A configuration problem, one per line: the key, what was found, what is expected. */
export interface ConfigProblem {
  key: string;
  found: string;
  expected: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

export const formatProblem = (p: ConfigProblem): string => `${p.key}: found ${p.found}, expected ${p.expected}`;

const httpUrl = (expected: string) => z.string().refine((v) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), { message: expected });
const intIn = (min: number, max: number) =>
  z.coerce
    .number({ message: `a whole number from ${min} to ${max}` })
    .int({ message: `a whole number from ${min} to ${max}` })
    .min(min, { message: `a whole number from ${min} to ${max}` })
    .max(max, { message: `a whole number from ${min} to ${max}` });
const nonEmpty = (expected: string) => z.string().min(1, { message: expected });
const DATABASE_URL_EXPECTED = 'a postgres:// URL with a host and a database, such as postgres://user:password@host:5432/plexus_bot';

function isPostgresUrl(v: string): boolean {
  if (!URL.canParse(v)) return false;
  const u = new URL(v);
  return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '' && u.pathname.replace(/^\//, '') !== '';
}

/** DATABASE_URL as a problem may show it: the password masked, and nothing of a value that is not a URL at all. */
function describeDatabaseUrl(v: unknown): string {
  if (typeof v !== 'string' || !URL.canParse(v)) return 'a value that is not a URL (hidden: it may hold a password)';
  const u = new URL(v);
  if (u.password) u.password = '***';
  return describeFound(u.toString());
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z.object({
  PLEXUS_BASE_URL: httpUrl('an http(s) URL such as https://plexus.example.com').optional(),
  PLEXUS_ADMIN_KEY: nonEmpty('the Plexus admin key').optional(),
  PLEXUS_BOT_CONFIG: nonEmpty('a path to the YAML file').optional(),
  PLEXUS_CONCURRENCY: intIn(1, 64).default(4),
  PLEXUS_TIMEOUT_SECONDS: intIn(1, 300).default(15),
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, { message: 'a bot token starting with xoxb-' })
    .optional(),
  SLACK_SIGNING_SECRET: nonEmpty('the Slack signing secret').optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, { message: 'an app-level token starting with xapp-' })
    .optional(),
  SLACK_API_URL: httpUrl('a Web API root ending in /api/')
    .refine((v) => v.endsWith('/api/'), { message: 'a Web API root ending in /api/' })
    .default('https://slack.com/api/'),
  DISCORD_TOKEN: nonEmpty('the Discord bot token').optional(),
  DISCORD_APPLICATION_ID: z
    .string()
    .regex(/^\d{15,22}$/, { message: 'a Discord application id (digits)' })
    .optional(),
  DISCORD_GUILD_ID: z
    .string()
    .regex(/^\d{15,22}$/, { message: 'a Discord guild id (digits)' })
    .optional(),
  DISCORD_API_URL: httpUrl('a REST root without the version, e.g. https://discord.com/api').default('https://discord.com/api'),
  PORT: intIn(1, 65535).default(3000),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  STATE_DIR: nonEmpty('a directory path').default('./state'),
  REPLICA_ID: z
    .string()
    .regex(/^[\w.:-]{1,100}$/, { message: 'a name of letters, digits, ".", "_", ":" or "-" (at most 100)' })
    .optional(),
  DATABASE_URL: z.string().refine(isPostgresUrl, { message: DATABASE_URL_EXPECTED }).optional(),
});

const tier = z.enum(['read', 'write', 'destructive'], { message: 'one of read, write, destructive' });
const ids = z.array(z.coerce.string(), { message: 'a list of ids' });
const rule = z.strictObject({
  platform: z.enum(['slack', 'discord', 'console', '*'], { message: 'one of slack, discord, console, "*"' }),
  channels: ids.optional(),
  users: ids.optional(),
  groups: ids.optional(),
  roles: ids.optional(),
  tier,
});
const channels = z.strictObject({ slack: z.coerce.string().optional(), discord: z.coerce.string().optional() });
const timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'an IANA time zone such as Europe/Berlin' },
);

const yamlSchema = z.strictObject({
  access: z.array(rule, { message: 'a list of access rules' }).optional(),
  confirm: z.strictObject({ ttlSeconds: intIn(5, 3600).default(120) }).default({ ttlSeconds: 120 }),
  alerts: z
    .strictObject({
      pollSeconds: intIn(1, 3600).default(60),
      channels: channels.default({}),
      quota: z
        .strictObject({ thresholds: z.array(z.number().min(1).max(1000), { message: 'a list of percentages' }).default([80, 95, 100]) })
        .default({ thresholds: [80, 95, 100] }),
      cooldowns: z.boolean({ message: 'true or false' }).default(true),
      keys: z.array(z.string()).default(['*']),
    })
    .optional(),
  digests: z
    .array(
      z.strictObject({
        name: nonEmpty('a digest name'),
        schedule: nonEmpty('a cron expression such as "0 9 * * 1-5"'),
        timezone: timezone.default('UTC'),
        range: z.enum(['hour', 'day', 'week', 'month'], { message: 'one of hour, day, week, month' }).default('day'),
        channels,
      }),
    )
    .default([]),
});

export type YamlConfig = z.infer<typeof yamlSchema>;

export interface BotConfig {
  plexus: { baseUrl?: string; adminKey?: string; concurrency: number; timeoutMs: number };
  slack?: { botToken: string; signingSecret?: string; appToken?: string; apiUrl: string };
  discord?: { token: string; applicationId: string; guildId?: string; apiUrl: string };
  port: number;
  logLevel: (typeof LOG_LEVELS)[number];
  stateDir: string;
  /** This replica's name in logs, audit entries and /readyz (REPLICA_ID; default hostname:pid). */
  replicaId: string;
  /** PostgreSQL for all state, shared by replicas; unset: files in `stateDir`, for one process. */
  databaseUrl?: string;
  /** The YAML file read, if any. */
  configPath?: string;
  /** null: no config file (console gets everything, chat platforms nothing). */
  access: AccessRule[] | null;
  confirm: { ttlSeconds: number };
  alerts?: YamlConfig['alerts'];
  digests: YamlConfig['digests'];
}

function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  const s = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function problemsOf(error: z.ZodError, prefix: string, root: unknown, secretKeys: Set<string> = new Set()): ConfigProblem[] {
  return error.issues.map((issue) => {
    const key = prefix + issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
    let found: unknown = root;
    for (const p of issue.path)
      found = found && typeof found === 'object' ? (found as Record<PropertyKey, unknown>)[p as PropertyKey] : undefined;
    if (issue.code === 'unrecognized_keys') {
      return {
        key: key || '(top level)',
        found: issue.keys.map((k) => `"${k}"`).join(', '),
        expected: 'only documented keys (check the spelling)',
      };
    }
    const shown =
      issue.path[0] === 'DATABASE_URL' && prefix === ''
        ? describeDatabaseUrl(found)
        : secretKeys.has(String(issue.path[0]))
          ? 'a value of the wrong form (hidden)'
          : describeFound(found);
    return { key, found: shown, expected: issue.message.replace(/^Invalid input: /, '') };
  });
}

const SECRET_ENV = new Set(['PLEXUS_ADMIN_KEY', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'DISCORD_TOKEN']);

export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): BotConfig {
  const cleanEnv = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const problems: ConfigProblem[] = [];
  const envResult = envSchema.safeParse(cleanEnv);
  if (!envResult.success) problems.push(...problemsOf(envResult.error, '', cleanEnv, SECRET_ENV));

  const explicit = cleanEnv.PLEXUS_BOT_CONFIG;
  const configPath = explicit
    ? resolve(cwd, explicit)
    : existsSync(resolve(cwd, 'plexus-bot.yml'))
      ? resolve(cwd, 'plexus-bot.yml')
      : undefined;
  let yaml: YamlConfig | undefined;
  if (configPath) {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(configPath, 'utf8')) ?? {};
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message.split('\n')[0];
      problems.push({ key: 'PLEXUS_BOT_CONFIG', found: `${configPath} (${reason})`, expected: 'a readable YAML file' });
    }
    if (doc !== undefined) {
      const result = yamlSchema.safeParse(doc);
      if (result.success) yaml = result.data;
      else problems.push(...problemsOf(result.error, '', doc));
    }
  }
  if (!envResult.success || problems.length > 0) throw new ConfigError(problems);
  const e = envResult.data;

  if (e.SLACK_SIGNING_SECRET && !e.SLACK_BOT_TOKEN)
    problems.push({ key: 'SLACK_BOT_TOKEN', found: 'nothing', expected: 'a bot token alongside SLACK_SIGNING_SECRET' });
  if (e.SLACK_APP_TOKEN && !e.SLACK_BOT_TOKEN)
    problems.push({ key: 'SLACK_BOT_TOKEN', found: 'nothing', expected: 'a bot token alongside SLACK_APP_TOKEN' });
  if (e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN) {
    problems.push({
      key: 'SLACK_SIGNING_SECRET',
      found: 'nothing',
      expected: 'the signing secret (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)',
    });
  }
  if (e.DISCORD_TOKEN && !e.DISCORD_APPLICATION_ID)
    problems.push({ key: 'DISCORD_APPLICATION_ID', found: 'nothing', expected: 'the application id alongside DISCORD_TOKEN' });
  const platforms = Boolean(e.SLACK_BOT_TOKEN || e.DISCORD_TOKEN);
  if (platforms && !e.PLEXUS_BASE_URL) {
    problems.push({
      key: 'PLEXUS_BASE_URL',
      found: 'nothing',
      expected: 'the URL of your Plexus (required when Slack or Discord credentials are set; the demo gateway is for the console only)',
    });
  }
  if (e.PLEXUS_BASE_URL && !e.PLEXUS_ADMIN_KEY)
    problems.push({ key: 'PLEXUS_ADMIN_KEY', found: 'nothing', expected: 'the admin key of the Plexus at PLEXUS_BASE_URL' });
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    plexus: {
      baseUrl: e.PLEXUS_BASE_URL?.replace(/\/+$/, ''),
      adminKey: e.PLEXUS_ADMIN_KEY,
      concurrency: e.PLEXUS_CONCURRENCY,
      timeoutMs: e.PLEXUS_TIMEOUT_SECONDS * 1000,
    },
    slack: e.SLACK_BOT_TOKEN
      ? { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL }
      : undefined,
    discord:
      e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID
        ? { token: e.DISCORD_TOKEN, applicationId: e.DISCORD_APPLICATION_ID, guildId: e.DISCORD_GUILD_ID, apiUrl: e.DISCORD_API_URL }
        : undefined,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    stateDir: e.STATE_DIR,
    replicaId: e.REPLICA_ID ?? defaultReplicaId(),
    databaseUrl: e.DATABASE_URL,
    configPath,
    access: yaml?.access ?? (configPath ? [] : null),
    confirm: yaml?.confirm ?? { ttlSeconds: 120 },
    alerts: yaml?.alerts,
    digests: yaml?.digests ?? [],
  };
}
