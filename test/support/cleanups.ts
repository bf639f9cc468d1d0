import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/**
 * What a test starts and must stop: register a close with the returned function, and it runs
 * after that test, the latest first. Call once at the top of a test file.
 */
export function useCleanups(): (close: () => Promise<void>) => void {
  const pending: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (pending.length > 0) await pending.pop()!();
  });
  return (close) => void pending.push(close);
}

/** A new folder under the OS temp directory, removed when `cleanup` runs its closes. */
export async function tempDir(cleanup: (close: () => Promise<void>) => void, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanup(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
