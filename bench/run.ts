/**
 * `npm run bench`: every benchmark in one run, each printing ratios against a
 * baseline it measures itself. `npm run bench -- pipeline slack` runs some.
 */
import { benchDiscord } from './discord.js';
import { benchPipeline } from './pipeline.js';
import { benchSlack } from './slack.js';
import { benchState } from './state.js';
import { benchWatch } from './watch.js';

const benches: Record<string, () => Promise<boolean>> = {
  pipeline: benchPipeline,
  slack: benchSlack,
  discord: benchDiscord,
  watch: benchWatch,
  state: benchState,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in benches));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
let ok = true;
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  ok = (await run()) && ok;
}
// Exit now: fakes answering slowly on purpose must not hold the process after the figures are out.
process.exit(ok ? 0 : 1);
