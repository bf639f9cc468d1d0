import { z } from 'zod';
import { args, bool, int, word } from '../core/args.js';
import { defineCommand, type RunContext } from '../core/command.js';
import { orNull } from '../plexus/not-found.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH, formatDuration, formatTimestamp } from '../render/format.js';
import { isSecretField } from '../render/mask.js';
import { context, reply, table, text } from '../render/reply.js';
import { byActor, changeBlock, changeLines, defined, plural, showValue } from './changes.js';
import { jsonReply } from './json-reply.js';
import { setRecord } from './record-write.js';
import { pageFooter } from './paging.js';
import { mcpLogCommands } from './mcp-logs.js';

const SERVERS = mgmtPath('mcp-servers');
const LOGS = mgmtPath('mcp-logs');
const SERVER_TEMPLATE = mgmtPath('mcp-servers', '{name}');
const serverPath = (name: string) => mgmtPath('mcp-servers', name);

/** Plexus' rule for MCP server names (reserved words aside, which it checks itself). */
const SERVER_NAME = /^[a-z0-9][a-z0-9-_]{1,62}$/;

function where(s: S.McpServerConfig): string {
  if (s.mode === 'local_http') return `local: ${s.launcher ?? '?'} ${s.package ?? '?'}${s.port != null ? ` :${s.port}` : ''}`;
  if (!s.upstream_url) return DASH;
  try {
    const u = new URL(s.upstream_url);
    return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return s.upstream_url.slice(0, 60);
  }
}

function auth(s: S.McpServerConfig): string {
  const headers = Object.keys(s.headers ?? {});
  const parts = [s.auth_scheme ?? null, headers.length > 0 ? `headers: ${headers.join(', ')}` : null].filter(
    (p): p is string => p !== null,
  );
  return parts.join('; ') || 'none';
}

const readServer = (ctx: RunContext<unknown>, name: string) =>
  ctx.deps.plexus.request('GET', serverPath(name), { schema: S.mcpServerConfigSchema });

const withoutName = ({ name: _name, ...rest }: S.McpServerConfig): Record<string, unknown> => rest;

export const mcpList = defineCommand({
  words: ['mcp', 'list'],
  summary: 'List the MCP servers Plexus proxies.',
  example: 'mcp list',
  tier: 'read',
  args: args({}),
  calls: [{ method: 'GET', path: SERVERS }],
  run: async (ctx) => {
    const servers = await ctx.deps.plexus.request('GET', SERVERS, { schema: S.mcpServerListSchema });
    if (ctx.json) return jsonReply('MCP servers', servers);
    return reply({
      title: `MCP servers (${servers.length})`,
      blocks: servers.length
        ? [
            table(
              ['name', 'upstream / local', 'enabled', 'auth'],
              servers.map((s) => [s.name, where(s), s.enabled === false ? 'no' : 'yes', auth(s)]),
            ),
            context('Header values are never shown. `mcp logs server=<name>` lists its calls.'),
          ]
        : [text('No MCP server is configured. `mcp set <name> {"upstream_url":"https://…"}` adds one.')],
    });
  },
});

export const mcpSet = defineCommand({
  words: ['mcp', 'set'],
  summary: 'Create or replace an MCP server (remote upstream_url, or mode=local_http with launcher and package).',
  usage: '<name> {json}',
  example: 'mcp set docs-search {"upstream_url":"https://mcp.context7.com/mcp","rate_limit_cooldown_ms":30000}',
  tier: 'write',
  positional: ['name'],
  // Known fields are typed so name=value pairs coerce; anything else goes to Plexus, which validates it.
  args: z
    .looseObject({
      name: word('<name>').regex(SERVER_NAME, {
        error: 'a server name is 2–63 characters: lowercase letters, digits, - and _, starting with a letter or digit',
      }),
      upstream_url: z.string().optional(),
      mode: z.enum(['remote', 'local_http'], { error: 'expected remote or local_http' }).optional(),
      launcher: z.string().optional(),
      package: z.string().optional(),
      port: int({ min: 1, max: 65535 }).optional(),
      enabled: bool().optional(),
      headers: z.record(z.string(), z.string(), { error: 'expected an object of header names to values' }).optional(),
      auth_scheme: z.string().nullable().optional(),
      rate_limit_cooldown_ms: int({ min: 0 }).optional(),
      quota_cooldown_ms: int({ min: 0 }).optional(),
    })
    .refine((a) => Object.keys(defined(a)).length > 1, {
      error: 'give the server definition as a JSON body, e.g. {"upstream_url":"https://…"}',
    }),
  calls: [
    { method: 'GET', path: SERVER_TEMPLATE },
    { method: 'PUT', path: SERVER_TEMPLATE },
  ],
  run: async (ctx) => {
    const { name, ...body } = ctx.args;
    return setRecord(ctx, {
      title: `MCP server ${name}`,
      read: () => readServer(ctx, name),
      write: async () => {
        await ctx.deps.plexus.request('PUT', serverPath(name), { body: defined(body), schema: S.successSchema });
        return (await orNull(readServer(ctx, name))) ?? (defined(body) as S.McpServerConfig);
      },
      changed: (before, after) => [changeBlock(changeLines(withoutName(before), withoutName(after)))],
      created: (after) => [
        text(
          Object.entries(withoutName(after))
            .filter(([, v]) => v !== undefined && v !== null)
            .map(([k, v]) => `${k}: ${showValue(v, k)}`)
            .join('\n'),
        ),
      ],
      // The line that set headers may hold a credential: keep the answer to the requester.
      private: Object.keys(body).some(isSecretField),
    });
  },
});

export const mcpDelete = defineCommand({
  words: ['mcp', 'delete'],
  summary: 'Delete an MCP server: calls to it through Plexus stop working.',
  usage: '<name>',
  example: 'mcp delete fs-local',
  tier: 'destructive',
  positional: ['name'],
  args: args({ name: word('<name>') }),
  calls: [
    { method: 'GET', path: SERVER_TEMPLATE },
    { method: 'GET', path: LOGS },
    { method: 'DELETE', path: SERVER_TEMPLATE },
  ],
  describeRisk: async (ctx) => {
    const { name } = ctx.args;
    const [s, logs] = await Promise.all([
      ctx.deps.plexus.request('GET', serverPath(name), { schema: S.mcpServerConfigSchema }),
      ctx.deps.plexus.request('GET', LOGS, { query: { serverName: name, limit: 1 }, schema: S.mcpLogPageSchema }),
    ]);
    return {
      lines: [
        `MCP server \`${name}\` (${where(s)}, ${s.enabled === false ? 'disabled' : 'enabled'}) will be deleted with its configuration` +
          `${s.headers && Object.keys(s.headers).length > 0 ? ', headers included' : ''}: ` +
          'clients calling it through Plexus fail from then on.',
        `Its ${plural(logs.total, 'logged call')} stay in the MCP log.`,
      ],
    };
  },
  run: async (ctx) => {
    await ctx.deps.plexus.request('DELETE', serverPath(ctx.args.name), { schema: S.successSchema });
    return reply({ title: `MCP server ${ctx.args.name} deleted`, severity: 'success', blocks: [byActor(ctx.actor)] });
  },
});

export const mcpLogs = defineCommand({
  words: ['mcp', 'logs'],
  summary: 'List MCP proxy calls, newest first.',
  usage: '[limit= offset= server= key=]',
  example: 'mcp logs limit=10 server=github',
  tier: 'read',
  args: args({
    limit: int({ min: 1, max: 200 }).default(20),
    offset: int({ min: 0 }).default(0),
    server: word('server').optional(),
    key: word('key').optional(),
  }),
  calls: [{ method: 'GET', path: LOGS }],
  run: async (ctx) => {
    const { limit, offset, server, key } = ctx.args;
    const page = await ctx.deps.plexus.request('GET', LOGS, {
      query: { limit, offset, serverName: server, apiKey: key },
      schema: S.mcpLogPageSchema,
    });
    const footer = pageFooter(ctx.line, { limit, offset, shown: page.data.length, total: page.total });
    if (ctx.json) {
      const out = jsonReply('MCP calls', page.data, { keepFields: ['api_key'] });
      out.blocks.push(footer);
      return out;
    }
    const now = ctx.deps.clock.now();
    const failed = page.data.filter((l) => (l.response_status ?? 200) >= 400 || l.error_code).length;
    return reply({
      title: 'MCP calls',
      severity: failed > 0 ? 'warning' : 'info',
      blocks: [
        page.data.length > 0
          ? table(
              ['time', 'server', 'method / tool', 'key', 'status', { header: 'duration', align: 'right' }, 'error'],
              page.data.map((l) => [
                formatTimestamp(l.start_time ?? l.created_at, now),
                l.server_name ?? DASH,
                [l.jsonrpc_method ?? l.method, l.tool_name].filter(Boolean).join(' ') || DASH,
                l.api_key ?? DASH,
                l.response_status == null ? DASH : String(l.response_status),
                formatDuration(l.duration_ms),
                l.error_code || l.error_message ? [l.error_code, l.error_message].filter(Boolean).join(': ').slice(0, 80) : DASH,
              ]),
            )
          : text('No MCP call matched.'),
        footer,
      ],
    });
  },
});

export const mcpCommands = [mcpList, mcpSet, mcpDelete, mcpLogs, ...mcpLogCommands];
