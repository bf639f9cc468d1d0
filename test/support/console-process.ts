import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface ConsoleRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `npm start -- --console` as a user runs it, on a pipe: `input` goes to stdin, then it ends.
 * The environment is this one without PLEXUS_/SLACK_/DISCORD_ settings, plus `env` (undefined removes a name).
 */
export function runConsoleProcess(input: string, env: Record<string, string | undefined>, logLevel = 'info'): Promise<ConsoleRun> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PLEXUS_|SLACK_|DISCORD_)/.test(k)));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--console'], {
      cwd: ROOT,
      env: { ...clean, LOG_LEVEL: logLevel, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    collectRun(child).then(resolve, reject);
    child.stdin.end(input);
  });
}

/** What a bot process printed, and its exit code, once it has closed. */
export function collectRun(child: ChildProcessByStdio<Writable | null, Readable, Readable>): Promise<ConsoleRun> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
