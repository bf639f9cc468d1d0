import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole } from '../adapters/console/console-adapter.js';
import type { Outcome } from '../src/core/pipeline.js';
import { demoSecrets } from '../src/demo/seed.js';
import { renderText } from '../src/render/text.js';
import { consoleAllSlackRead, consoleUser, slackUser, useHarness } from './support/harness.js';

const h = useHarness({
  fakeFollowsClock: true,
  access: [...consoleAllSlackRead, { platform: 'slack', users: ['U0ADMIN'], tier: 'destructive' }],
});
let dir: string;
const admin = slackUser('U0ADMIN');
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plexus-backup-test-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Everything a user or a log reader could see of an outcome: its text and the reply without the file bytes. */
const visible = (o: Outcome) =>
  [renderText(o.reply), JSON.stringify({ ...o.reply, file: o.reply.file ? { ...o.reply.file, content: undefined } : undefined })].join(
    '\n',
  );

async function confirmAs(text: string, actor = consoleUser, attachments?: { name: string; content: Buffer }[]) {
  const asked = await h.app.pipeline.handle({ actor, text, ...(attachments ? { attachments } : {}) });
  return { asked, done: asked.confirmationId ? await h.app.pipeline.confirm(asked.confirmationId, actor) : asked };
}

describe('backup', () => {
  it('warns that the file holds secrets, then delivers it privately: secrets in the file only, never in a reply or log line', async () => {
    const secrets = demoSecrets(h.state());
    const { asked, done } = await confirmAs('backup');
    expect(h.text(asked)).toContain('holds every secret of this Plexus in clear');
    expect(done.status).toBe('ok');
    expect(done.reply.private).toBe(true);
    expect(done.reply.file?.name).toBe('plexus-backup-2026-11-26T12-00-00Z.json');
    const content = done.reply.file!.content!.toString('utf8');
    expect(JSON.parse(content).plexus_backup).toBe(true);
    for (const s of secrets) expect(content).toContain(s);
    expect(h.text(done)).toContain('Holds: 5 providers, 4 model aliases, 6 keys, 4 user quotas, 3 MCP servers, 3 settings');
    const seen = visible(asked) + visible(done) + h.logs.join('\n');
    for (const s of secrets) expect(seen.includes(s), `leaked ${s.slice(0, 6)}…`).toBe(false);
  });

  it('--full is a tar.gz with the logs, counted in the confirmation and the reply', async () => {
    const usage = h.state().usage.length;
    const { asked, done } = await confirmAs('backup --full');
    expect(h.text(asked)).toContain(`--full adds the logs: ${usage.toLocaleString('en-US')} usage records`);
    expect(done.reply.file?.name).toMatch(/\.tar\.gz$/);
    expect(done.reply.file?.contentType).toBe('application/gzip');
    expect(h.text(done)).toContain(`${usage.toLocaleString('en-US')} usage records`);
    expect(h.fake.requests.find((r) => r.path === '/v0/management/backup')?.query).toBe('full=true');
  });

  it('in the console, the file is written mode 0600 and only its path is printed', async () => {
    const secrets = demoSecrets(h.state());
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (d: Buffer) => (printed += d.toString('utf8')));
    input.end('backup\nyes\n');
    const code = await runConsole({ pipeline: h.app.pipeline, input, output, interactive: false, actor: consoleUser, fileDir: dir });
    expect(code).toBe(0);
    const path = /file: plexus-backup-\S+\.json \([\d.]+ kB\) → (\S+)/.exec(printed)?.[1];
    expect(path).toBeDefined();
    expect(path!.startsWith(dir)).toBe(true);
    expect((await stat(path!)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path!, 'utf8')).plexus_backup).toBe(true);
    for (const s of secrets) expect(printed.includes(s)).toBe(false);
  });
});

describe('restore', () => {
  it('from a console path: says what is replaced, restores, and offers restart as a button', async () => {
    const { done: b } = await confirmAs('backup');
    const file = join(dir, 'config-backup.json');
    await writeFile(file, b.reply.file!.content!);
    delete h.state().keys['alice-dev'];
    h.state().userQuotas['extra-quota'] = { type: 'daily', limitType: 'requests', limit: 5 };

    h.fake.reset();
    const { asked, done } = await confirmAs(`restore ${file}`);
    const t = h.text(asked);
    expect(t).toContain('The whole configuration is replaced by');
    expect(t).toContain('• keys: 5 now → 6 from the file');
    expect(t).toContain('• user quotas: 5 now → 4 from the file');
    expect(t).not.toContain('stop working');
    expect(h.calls().filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(done.status).toBe('ok');
    expect(h.state().keys['alice-dev']).toBeDefined();
    expect(h.state().userQuotas['extra-quota']).toBeUndefined();
    expect(h.text(done)).toMatch(/api_keys\s+6/);
    expect(done.reply.actions).toEqual([{ id: 'run:restart', label: 'Restart Plexus', style: 'danger' }]);

    const click = await h.app.pipeline.action(consoleUser, 'run:restart');
    expect(click.status).toBe('pending');
    expect(h.text(click)).toContain('process supervisor');
    const restarted = await h.app.pipeline.confirm(click.confirmationId!, consoleUser);
    expect(h.text(restarted)).toContain('Plexus: Server is restarting.');
    expect(h.fake.requests.filter((r) => r.path === '/v0/management/restart')).toHaveLength(1);
  });

  it('from a Slack attachment (full archive): counts the logs that are replaced and names keys that stop working', async () => {
    const { done: b } = await confirmAs('backup --full');
    const usage = h.state().usage.length;
    h.state().usage = [];
    h.state().keys['temp-key'] = { secret: 'sk-plexus-temp-0123456789abcdef', allowRawPassthrough: false };
    const archive = { name: 'plexus-backup.tar.gz', content: b.reply.file!.content! };
    const { asked, done } = await confirmAs('restore', admin, [archive]);
    expect(h.text(asked)).toContain(`• usage records: 0 now → ${usage.toLocaleString('en-US')} from the file`);
    expect(h.text(asked)).toContain('Keys not in the file stop working at once: temp-key.');
    expect(h.text(asked)).not.toContain('sk-plexus-temp');
    expect(done.status).toBe('ok');
    expect(h.fake.requests.find((r) => r.path === '/v0/management/restore')?.headers['content-type']).toBe('application/gzip');
    expect(h.state().usage).toHaveLength(usage);
    expect(h.state().keys['temp-key']).toBeUndefined();
  });

  it('refuses, before any request: no backup, a path outside the console, a file that is not a backup', async () => {
    expect(h.text((await confirmAs('restore')).asked)).toContain('`restore` needs a backup');
    expect(h.text((await confirmAs(`restore ${join(dir, 'config-backup.json')}`, admin)).asked)).toContain(
      'A file path is read only in the console',
    );
    const junk = await confirmAs('restore', admin, [{ name: 'notes.txt', content: Buffer.from('hello') }]);
    expect(h.text(junk.asked)).toContain('`notes.txt` is not a Plexus backup: it is neither JSON nor a gzip archive');
    const noFlag = await confirmAs('restore', admin, [{ name: 'x.json', content: Buffer.from('{"data":{}}') }]);
    expect(h.text(noFlag.asked)).toContain('the `plexus_backup` field is missing');
    expect(h.text((await confirmAs(`restore ${join(dir, 'missing.json')}`)).asked)).toContain('No file');
    expect(h.calls()).toHaveLength(0);
  });

  it("renders Plexus' refusal with its message and changes nothing", async () => {
    h.fake.failNext(1, 400, JSON.stringify({ error: 'Invalid backup: missing data field' }), { method: 'POST' });
    const keys = Object.keys(h.state().keys).length;
    const { done } = await confirmAs('restore examples/plexus-backup-example.json');
    expect(done.status).toBe('error');
    expect(h.text(done)).toContain('Invalid backup: missing data field');
    expect(Object.keys(h.state().keys)).toHaveLength(keys);
  });
});

describe('restart', () => {
  it('says a supervisor must bring Plexus back, and sends nothing before confirmation', async () => {
    const asked = await h.run('restart');
    expect(asked.status).toBe('pending');
    expect(h.text(asked)).toContain('It comes back only if a process supervisor starts it again');
    expect(h.calls()).toHaveLength(0);
    h.app.pipeline.cancel(asked.confirmationId!, consoleUser);
  });
});
