import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface ScriptProcess {
  child: ChildProcessWithoutNullStreams;
  /** Every stdout line so far. */
  lines: string[];
  stderr(): string;
  /** The first stdout line (already seen or still to come) matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** A line to the script's stdin. */
  send(line: string): void;
  /** Resolves when the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL, then waits until it is gone. */
  kill(): Promise<void>;
}

/**
 * A TypeScript file under test/support run in its own Node process (tsx as a
 * loader, so the pid is the script's own and SIGKILL reaches it, not a wrapper).
 */
export function startScript(file: string, env: Record<string, string> = {}): ScriptProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', `test/support/${file}`], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (l: string) => void }[] = [];
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.filter((x) => x.pattern.test(line))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const output = () => `stdout:\n${lines.join('\n')}\nstderr:\n${err}`;
  return {
    child,
    lines,
    stderr: () => err,
    waitFor(pattern, timeoutMs = 20_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${file}: no line ${pattern} in ${timeoutMs} ms; ${output()}`)), timeoutMs);
        const gone = () => reject(new Error(`${file} exited before printing ${pattern}; ${output()}`));
        void exited.then(() => setTimeout(gone, 50));
        waiters.push({
          pattern,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      });
    },
    send: (line) => void child.stdin.write(`${line}\n`),
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
