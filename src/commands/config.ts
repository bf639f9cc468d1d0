import { args } from '../core/args.js';
import { defineCommand } from '../core/command.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH } from '../render/format.js';
import { isSecretField } from '../render/mask.js';
import { context, fields, reply, type Field } from '../render/reply.js';
import { showValue } from './changes.js';
import { configSectionCommands } from './config-sections.js';
import { jsonReply } from './json-reply.js';
import { isRecord } from '../base/is-record.js';

const STATUS = mgmtPath('config', 'status');
const CONFIG = mgmtPath('config');
const EXPORT = mgmtPath('config', 'export');

/** Every string held under a secret-named field, at any depth: masked wherever else it shows up too. */
export function secretValues(value: unknown, underSecret = false, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    if (underSecret && value.length >= 6) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) secretValues(v, underSecret, out);
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) secretValues(v, underSecret || isSecretField(k), out);
  }
  return out;
}

/** File names like `plexus-backup-2026-11-26T12-00-00Z.json`. */
export const fileStamp = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');

const names = (v: unknown): string[] =>
  isRecord(v) ? Object.keys(v) : Array.isArray(v) ? v.map((x) => (isRecord(x) && typeof x.id === 'string' ? x.id : String(x))) : [];
const listed = (v: unknown): string => {
  const n = names(v);
  return n.length === 0 ? 'none' : `${n.length}: ${n.join(', ')}`;
};
const section = (v: unknown): string =>
  isRecord(v)
    ? Object.entries(v)
        .map(([k, x]) => `${k}=${showValue(x, k)}`)
        .join(', ') || DASH
    : DASH;

export const configStatus = defineCommand({
  words: ['config', 'status'],
  summary: 'Count what the running configuration holds.',
  example: 'config status',
  tier: 'read',
  args: args({}),
  calls: [{ method: 'GET', path: STATUS }],
  run: async (ctx) => {
    const s = await ctx.deps.plexus.request('GET', STATUS, { schema: S.configStatusSchema });
    if (ctx.json) return jsonReply('Config status', s);
    return reply({
      title: 'Config status',
      blocks: [
        fields([
          { label: 'Providers', value: String(s.providerCount) },
          { label: 'Model aliases', value: String(s.modelAliasCount) },
          { label: 'Keys', value: String(s.keyCount) },
          { label: 'User quotas', value: String(s.quotaCount) },
          { label: 'MCP servers', value: String(s.mcpServerCount) },
        ]),
        context('Plexus applies writes about 100 ms after they are made; these counts follow.'),
      ],
    });
  },
});

export const configShow = defineCommand({
  words: ['config', 'show'],
  summary: 'Summarise the running configuration (names and settings; secrets never shown).',
  example: 'config show',
  tier: 'read',
  args: args({}),
  calls: [{ method: 'GET', path: CONFIG }],
  run: async (ctx) => {
    const c = await ctx.deps.plexus.request('GET', CONFIG, { schema: S.asSent(S.configDocumentSchema) });
    if (ctx.json) return jsonReply('Configuration (secrets masked)', c, { secrets: secretValues(c) });
    const providers = isRecord(c.providers) ? Object.entries(c.providers) : [];
    const disabled = providers.filter(([, p]) => isRecord(p) && p.enabled === false).map(([n]) => n);
    const mcp = c.mcp_servers ?? c.mcpServers;
    const rows: Field[] = [
      { label: 'Providers', value: `${listed(c.providers)}${disabled.length > 0 ? ` (disabled: ${disabled.join(', ')})` : ''}` },
      { label: 'Model aliases', value: listed(c.models) },
      { label: 'Keys', value: listed(c.keys) },
      { label: 'User quotas', value: listed(c.user_quotas) },
      {
        label: 'Default quotas',
        value: Array.isArray(c.default_quotas) && c.default_quotas.length > 0 ? c.default_quotas.join(', ') : 'none',
      },
      { label: 'MCP servers', value: listed(mcp) },
      { label: 'Provider quota checkers', value: listed(c.quotas) },
      { label: 'Failover', value: section(c.failover) },
      { label: 'Cooldown', value: section(c.cooldown) },
      { label: 'Timeout', value: section(c.timeout) },
      { label: 'Stall', value: section(c.stall) },
      { label: 'Background exploration', value: section(c.backgroundExploration) },
      { label: 'MCP OAuth', value: isRecord(c.mcpOAuth) ? (c.mcpOAuth.enabled === true ? 'enabled' : 'disabled') : DASH },
    ];
    return reply({
      title: 'Configuration',
      blocks: [
        fields(rows),
        context('`config show --json` gives every field with secrets masked; `config export` the full file, privately.'),
      ],
    });
  },
});

export const configExport = defineCommand({
  words: ['config', 'export'],
  summary: 'Export the configuration as a file, sent only to you (it holds every secret in clear).',
  example: 'config export',
  tier: 'read',
  private: true,
  args: args({}),
  calls: [{ method: 'GET', path: EXPORT }],
  run: async (ctx) => {
    const data = await ctx.deps.plexus.request('GET', EXPORT, { schema: S.asSent(S.configExportSchema) });
    const count = (v: unknown) => String(names(v).length);
    return reply({
      title: 'Configuration export',
      private: true,
      file: {
        name: `plexus-config-${fileStamp(ctx.deps.clock.now())}.json`,
        content: Buffer.from(`${JSON.stringify(data, null, 2)}\n`),
        contentType: 'application/json',
      },
      blocks: [
        fields([
          { label: 'Providers', value: count(data.providers) },
          { label: 'Model aliases', value: count(data.models) },
          { label: 'Keys', value: count(data.keys) },
          { label: 'User quotas', value: count(data.user_quotas) },
          { label: 'MCP servers', value: count(data.mcp_servers) },
          { label: 'Settings', value: count(data.settings) },
        ]),
        context(
          'The file holds provider API keys and key secrets in clear: keep it private. It is not a backup (`backup` makes one ' +
            '`restore` accepts).',
        ),
      ],
    });
  },
});

export const configCommands = [configStatus, configShow, configExport, ...configSectionCommands];
