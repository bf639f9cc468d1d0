import { expect, it } from 'vitest';
import { MemoryState } from '../src/state/memory.js';
import type { StateStore as WatchStateStore } from '../src/watch/state-store.js';
import { stateContract } from './support/state-contract.js';

stateContract('memory', async (now) => new MemoryState(now));

it('the state layer can stand in for the watchers’ store', async () => {
  const store: WatchStateStore = new MemoryState();
  expect(await store.put('k', 1)).toBe(1);
  expect(await store.compareAndSet('k', 1, 2)).toBe(true);
});
