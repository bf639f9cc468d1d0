import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from './support/cleanups.js';
import { collectRun, runConsoleProcess } from './support/console-process.js';
import { freshDatabase } from './support/postgres.js';
import { startScript } from './support/script-process.js';

const ROOT = new URL('..', import.meta.url).pathname;
const cleanup = useCleanups();
const url = await freshDatabase();

/** `npm start` with chat credentials (nothing is reached: the state store opens before any platform). */
function startBot(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PLEXUS_|SLACK_|DISCORD_|DATABASE_URL)/.test(k)));
    const child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: {
        ...clean,
        LOG_LEVEL: 'warn',
        PLEXUS_BASE_URL: 'http://127.0.0.1:9',
        PLEXUS_ADMIN_KEY: 'plexus-admin-key',
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: 'signing-secret',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    collectRun(child).then(resolve, reject);
  });
}

const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'main-state-'));
  cleanup(() => rm(dir, { recursive: true, force: true }));
  return dir;
};

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const oneLine = (s: string) => s.trim().split('\n');

describe('npm start and its state store', () => {
  it('exits 2 with one line naming the directory and the holder when another process holds STATE_DIR', async () => {
    const dir = await tempDir();
    const holder = startScript('file-state-worker.ts', { STATE_DIR: dir });
    cleanup(() => holder.kill());
    const pid = Number((await holder.waitFor(/^ready \d+$/)).split(' ')[1]);
    const run = await startBot({ STATE_DIR: dir });
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain(dir);
    expect(run.stderr).toContain(`pid ${pid}`);
  }, 60_000);

  it('exits 2 with one line, without the password, when DATABASE_URL is malformed or unreachable', async () => {
    const malformed = await startBot({ DATABASE_URL: 'mysql://bot:hunter2-secret@db.example/plexus' });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/DATABASE_URL: found "mysql:\/\/bot:\*\*\*@db\.example\/plexus", expected a postgres:\/\/ URL/);
    expect(malformed.stderr).not.toContain('hunter2');

    const port = await closedPort();
    const unreachable = await startBot({ DATABASE_URL: `postgres://bot:hunter2-secret@127.0.0.1:${port}/plexus` });
    expect(unreachable.code).toBe(2);
    expect(oneLine(unreachable.stderr)).toEqual([
      `plexus-chatops could not open its state: cannot reach PostgreSQL at 127.0.0.1:${port}: connection refused`,
    ]);
    expect(unreachable.stdout + unreachable.stderr).not.toContain('hunter2');

    const wrong = new URL(url);
    wrong.password = 'hunter2-secret';
    const refused = await startBot({ DATABASE_URL: wrong.toString() });
    expect(refused.code).toBe(2);
    expect(oneLine(refused.stderr)).toHaveLength(1);
    expect(refused.stderr).toMatch(/could not open its state: PostgreSQL at .* refused the password/);
    expect(refused.stdout + refused.stderr).not.toContain('hunter2');
  }, 60_000);

  it('the console needs no STATE_DIR of its own: it runs beside the holder and writes nothing there', async () => {
    const dir = await tempDir();
    const holder = startScript('file-state-worker.ts', { STATE_DIR: dir });
    cleanup(() => holder.kill());
    await holder.waitFor(/^ready/);
    const held = await runConsoleProcess('help\n', { STATE_DIR: dir });
    expect(held.code).toBe(0);
    const fresh = join(dir, 'never');
    const run = await runConsoleProcess('help\n', { STATE_DIR: fresh });
    expect(run.code).toBe(0);
    expect(existsSync(fresh)).toBe(false);
  }, 60_000);

  it('the console keeps its state in PostgreSQL when DATABASE_URL is set', async () => {
    const run = await runConsoleProcess('help\n', { DATABASE_URL: url });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  }, 60_000);
});
