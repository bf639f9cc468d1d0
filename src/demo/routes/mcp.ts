import { z } from 'zod';
import { ok, paginate, plainError } from '../http.js';
import type { Router } from '../router.js';
import type { DemoState } from '../state.js';
import type { McpServerConfig, Obj } from '../types.js';
import { parseWith, SLUG_RE, validationFailed } from '../validate.js';
import { normalizeMcpServer } from '../views.js';
import { clearRows, deleteRecord, deleteRow, getRecord, patchRecord, type Records } from './record-routes.js';

const RESERVED = new Set(['plexus', 'oauth', 'servers', 'logs', 'health']);

const ServerSchema = z
  .looseObject({
    upstream_url: z.string().url().optional(),
    mode: z.enum(['remote', 'local_http']).optional(),
    launcher: z.enum(['bunx', 'uvx', 'npx']).optional(),
    package: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    enabled: z.boolean().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    auth_scheme: z.string().nullable().optional(),
    rate_limit_cooldown_ms: z.number().int().min(0).optional(),
    quota_cooldown_ms: z.number().int().min(0).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.mode === 'local_http') {
      if (!v.launcher) ctx.addIssue({ code: 'custom', path: ['launcher'], message: 'launcher is required for local_http servers' });
      if (!v.package) ctx.addIssue({ code: 'custom', path: ['package'], message: 'package is required for local_http servers' });
    } else if (!v.upstream_url) {
      ctx.addIssue({ code: 'custom', path: ['upstream_url'], message: 'upstream_url is required for remote servers' });
    }
  });

function save(state: DemoState, name: string, input: unknown): void {
  const parsed = parseWith(ServerSchema, input, validationFailed);
  state.mcpServers[name] = normalizeMcpServer(parsed as Obj);
  state.log(`MCP server '${name}' saved via management API`, 'info', 'mcp');
}

const SERVERS: Records<McpServerConfig> = {
  param: 'name',
  of: (s) => s.mcpServers,
  missing: (name) => plainError(404, `MCP server '${name}' not found`),
};

export function registerMcpRoutes(r: Router): void {
  r.get('/mcp-servers', 'admin', (ctx) => ok(ctx.state.mcpServers));

  r.get(
    '/mcp-servers/:name',
    'admin',
    getRecord(SERVERS, (name, s) => ({ name, ...s })),
  );

  r.put('/mcp-servers/:name', 'admin', async (ctx) => {
    const name = ctx.params.name as string;
    if (!SLUG_RE.test(name) || RESERVED.has(name)) {
      throw plainError(
        400,
        'Invalid server name. Must be a non-reserved slug (lowercase letters, numbers, hyphens, underscores, 2-63 characters)',
      );
    }
    save(ctx.state, name, await ctx.body());
    return ok({ success: true, name });
  });

  r.patch(
    '/mcp-servers/:name',
    'admin',
    patchRecord(SERVERS, (ctx, name, existing, patch) => {
      save(ctx.state, name, { ...existing, ...patch });
      return ok({ success: true, name });
    }),
  );

  r.delete('/mcp-servers/:name', 'admin', deleteRecord(SERVERS));

  r.get('/mcp-logs', 'admin', (ctx) => {
    const server = ctx.query.get('serverName');
    const key = ctx.query.get('apiKey');
    const rows = ctx.state.mcpLogs
      .filter((l) => (!server || l.server_name === server) && (!key || l.api_key === key))
      .sort((a, b) => b.start_time - a.start_time);
    return ok(paginate(rows, ctx.query, 20));
  });

  r.delete(
    '/mcp-logs/:requestId',
    'admin',
    deleteRow('mcpLogs', (l) => l.request_id),
  );
  r.delete(
    '/mcp-logs',
    'admin',
    clearRows('mcpLogs', (l) => l.start_time),
  );
}
