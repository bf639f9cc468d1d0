/** Run by bench/watch.ts in its own process (`--expose-gc`): prints the watcher's memory figures as JSON. */
import { watcherMemory } from './watch.js';

process.stdout.write(JSON.stringify(await watcherMemory()));
