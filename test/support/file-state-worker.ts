/**
 * One process holding a FileState (test/state-file.test.ts). Env: STATE_DIR. Prints `ready <pid>` once it holds
 * the directory, then `put <version>` for each `put <key> <json>` line on stdin, and closes on `close` (or end of
 * input). When another process holds the directory it prints the error on stderr and exits with status 2.
 */
import { createInterface } from 'node:readline';
import { openFileState, StateLockedError } from '../../src/state/file.js';

let store: Awaited<ReturnType<typeof openFileState>>;
try {
  store = await openFileState(process.env.STATE_DIR!);
} catch (e) {
  if (!(e instanceof StateLockedError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exit(2);
}
process.stdout.write(`ready ${process.pid}\n`);
const input = createInterface({ input: process.stdin });
for await (const l of input) {
  const [cmd, key, ...rest] = l.split(' ');
  if (cmd === 'put') process.stdout.write(`put ${await store.put(key!, JSON.parse(rest.join(' ')))}\n`);
  if (cmd === 'close') break;
}
input.close();
process.stdin.destroy();
await store.close();
process.stdout.write('closed\n');
