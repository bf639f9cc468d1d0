import { describe, expect, it } from 'vitest';
import { demoSecrets } from '../src/demo/seed.js';
import { T0 as T, useHarness } from './support/harness.js';

const DAY = 86_400_000;
const h = useHarness({ fakeFollowsClock: true });

describe('mcp list', () => {
  it('shows where each server runs, whether it is enabled and its auth, never a header value', async () => {
    const secrets = demoSecrets(h.state());
    const t = h.text(await h.run('mcp list'));
    expect(t).toMatch(/github\s+api\.githubcopilot\.com\/mcp\/\s+yes\s+headers: Authorization/);
    expect(t).toMatch(/fs-local\s+local: bunx @model\S*\s+no\s+none/);
    const json = h.text(await h.run('mcp list --json'));
    expect(json).toContain('"Authorization": "••••');
    for (const s of secrets) {
      expect(t).not.toContain(s);
      expect(json).not.toContain(s);
    }
  });
});

describe('mcp set', () => {
  it('creates a server, then shows before → after when it is replaced', async () => {
    const o = await h.run('mcp set wiki {"upstream_url":"https://wiki.example.com/mcp"}');
    expect(o.status).toBe('ok');
    expect(h.text(o)).toContain('MCP server wiki created');
    expect(h.state().mcpServers.wiki?.upstream_url).toBe('https://wiki.example.com/mcp');
    const again = await h.run('mcp set wiki {"upstream_url":"https://wiki.example.com/mcp","enabled":false,"rate_limit_cooldown_ms":1000}');
    expect(h.text(again)).toContain('enabled: true → false');
    expect(h.text(again)).toContain('rate_limit_cooldown_ms: 60000 → 1000');
    expect(h.state().mcpServers.wiki?.enabled).toBe(false);
  });

  it('answers privately and masked when the body carries headers', async () => {
    const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const o = await h.run(
      `mcp set gh2 {"upstream_url":"https://api.githubcopilot.com/mcp/","headers":{"Authorization":"Bearer ${token}"}}`,
    );
    expect(o.status).toBe('ok');
    expect(o.reply.private).toBe(true);
    expect(h.text(o)).not.toContain(token);
    expect(h.logs.join('\n')).not.toContain(token);
    expect((h.state().mcpServers.gh2?.headers as Record<string, string> | undefined)?.Authorization).toBe(`Bearer ${token}`);
  });

  it('refuses a bad name or a missing body before any request', async () => {
    expect(h.text(await h.run('mcp set Wiki {"upstream_url":"https://x.example/mcp"}'))).toContain('a server name is 2–63 characters');
    expect(h.text(await h.run('mcp set wiki'))).toContain('give the server definition as a JSON body');
    expect(h.text(await h.run('mcp set wiki {"port":"eighty"}'))).toContain('port: expected a whole number');
    expect(h.calls()).toHaveLength(0);
  });

  it("renders Plexus' validation failure with its details", async () => {
    const o = await h.run('mcp set local2 {"mode":"local_http"}');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('Validation failed');
    expect(h.text(o)).toContain('launcher: launcher is required for local_http servers');
    expect(h.state().mcpServers.local2).toBeUndefined();
  });
});

describe('mcp delete', () => {
  it('says what goes and how many logged calls stay, then deletes after confirmation', async () => {
    const logged = h.state().mcpLogs.filter((l) => l.server_name === 'docs-search').length;
    const asked = await h.run('mcp delete docs-search');
    expect(asked.status).toBe('pending');
    expect(h.text(asked)).toContain('MCP server `docs-search` (mcp.context7.com/mcp, enabled) will be deleted');
    expect(h.text(asked)).toContain(`Its ${logged} logged calls stay`);
    expect(h.calls().some((r) => r.method === 'DELETE')).toBe(false);
    await h.runConfirmed('mcp delete docs-search');
    expect(h.state().mcpServers['docs-search']).toBeUndefined();
  });

  it('an unknown server is reported by Plexus before any confirmation, and nothing is deleted', async () => {
    const o = await h.run('mcp delete nope');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain("MCP server 'nope' not found");
    expect(h.calls().some((r) => r.method === 'DELETE')).toBe(false);
  });
});

describe('mcp logs', () => {
  it('lists calls of one server with method/tool, status, duration and error, and pages', async () => {
    const github = h.state().mcpLogs.filter((l) => l.server_name === 'github');
    const o = await h.run('mcp logs server=github limit=5');
    const t = h.text(o);
    expect(t).toContain('method / tool');
    expect(t).toMatch(/tools\/(call|list)/);
    expect(t).not.toContain('docs-search');
    expect(t).toContain(`Showing 1–5 of ${github.length}. Next page: \`mcp logs server=github limit=5 offset=5\``);
    expect(h.calls()[0]?.query).toContain('serverName=github');
    expect(github.some((l) => l.error_code === 'PROXY_ERROR')).toBe(true);
    expect(h.text(await h.run('mcp logs server=github limit=200'))).toMatch(/502\s+\S+ s\s+PROXY_ERROR: Upstream server unreachable/);
  });

  it('filters by key and refuses a bad limit before any request', async () => {
    await h.run('mcp logs key=alice-dev');
    expect(h.calls()[0]?.query).toContain('apiKey=alice-dev');
    h.fake.reset();
    expect(h.text(await h.run('mcp logs limit=0'))).toContain('limit: must be at least 1');
    expect(h.calls()).toHaveLength(0);
  });

  it('deletes one record after describing it', async () => {
    const rec = h.state().mcpLogs.find((l) => l.tool_name)!;
    const asked = await h.run(`mcp logs delete ${rec.request_id}`);
    expect(h.text(asked)).toContain(`${rec.server_name}, tools/call ${rec.tool_name}`);
    await h.runConfirmed(`mcp logs delete ${rec.request_id}`);
    expect(h.state().mcpLogs.some((l) => l.request_id === rec.request_id)).toBe(false);
    const unknown = await h.run('mcp logs delete no-such-id');
    expect(h.text(unknown)).toContain('nothing will be deleted');
  });

  it('prune counts what is older than the cutoff, and deletes exactly that', async () => {
    const cutoff = T - 2 * DAY;
    const older = h.state().mcpLogs.filter((l) => l.start_time < cutoff).length;
    const newer = h.state().mcpLogs.length - older;
    expect(older).toBeGreaterThan(0);
    const asked = await h.run('mcp logs prune 2');
    expect(h.text(asked)).toContain(`${older} MCP call record${older === 1 ? '' : 's'} older than 2 days`);
    expect(h.text(asked)).toContain(`${newer} newer stay`);
    const o = await h.runConfirmed('mcp logs prune 2');
    expect(h.text(o)).toContain(`${older} record${older === 1 ? '' : 's'} deleted; ${newer} left.`);
    expect(h.state().mcpLogs).toHaveLength(newer);
    expect(h.fake.requests.find((r) => r.method === 'DELETE')?.query).toBe('olderThanDays=2');
    expect(h.text(await h.run('mcp logs prune soon'))).toContain('days: expected a whole number');
  });
});
