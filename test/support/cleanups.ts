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
