/**
 * Slack over HTTP (the real Bolt app on 127.0.0.1): time from a signed slash
 * command to its HTTP ack while Plexus takes 10 s per call, and commands
 * answered per second with a fast Plexus. Both against a bare node:http
 * server answering the same signed POST at once, measured in the same run.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import PQueue from 'p-queue';
import { ALICE, OPS, SIGNING_SECRET, startSlackHarness, type SlackHarness } from '../test/fakes/slack-harness.js';
import type { HookPost } from '../test/fakes/slack-api.js';
import { postSigned, slashCommandFields } from '../test/fakes/slack-signer.js';
import { ms, percentile } from './stats.js';

const WARMUP = 20;
const ACKS = Number(process.env.BENCH_SLACK_ACKS ?? 200);
const ANSWERS = Number(process.env.BENCH_SLACK_COMMANDS ?? 300);
const IN_FLIGHT = 10;
const SLOW_PLEXUS_MS = 10_000;
const ACK_TARGET_P99_MS = 50;
const ANSWER_TIMEOUT_MS = 10_000;
const LINE = 'cooldowns list';

async function bareServer() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  const close = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  return { url, close };
}

/** The form body Slack sends for `/plexus <text>` with the given response_url. */
const form = (text: string, hook: string) =>
  new URLSearchParams(slashCommandFields({ text, user: ALICE, channel: OPS, responseUrl: hook })).toString();

async function ackWhileSlow(bareUrl: string): Promise<boolean> {
  const h = await startSlackHarness({ plexusTimeoutMs: 30_000 });
  try {
    h.plexus.delay(SLOW_PLEXUS_MS);
    const bot = async () => {
      const t0 = performance.now();
      const res = await postSigned(h.eventsUrl, SIGNING_SECRET, form(LINE, h.slack.hook(OPS, ALICE)));
      const took = performance.now() - t0;
      if (res.status !== 200) throw new Error(`the app answered a signed slash command with HTTP ${res.status}`);
      return took;
    };
    const bare = async () => {
      const t0 = performance.now();
      await postSigned(bareUrl, SIGNING_SECRET, form(LINE, h.slack.hook(OPS, ALICE)));
      return performance.now() - t0;
    };
    for (let i = 0; i < WARMUP; i++) {
      await bot();
      await bare();
    }
    const acks: number[] = [];
    const bareAcks: number[] = [];
    for (let i = 0; i < ACKS; i++) {
      // Interleaved so drift on the machine hits both sides alike.
      if (i % 2 === 0) {
        acks.push(await bot());
        bareAcks.push(await bare());
      } else {
        bareAcks.push(await bare());
        acks.push(await bot());
      }
    }
    const [p50, p99, b50, b99] = [percentile(acks, 50), percentile(acks, 99), percentile(bareAcks, 50), percentile(bareAcks, 99)];
    const stillWaiting = h.plexus.inFlight;
    console.log(
      `\n== slack: signed /plexus → HTTP ack, ${ACKS} commands (HTTP mode, 127.0.0.1), every Plexus call taking ${SLOW_PLEXUS_MS / 1000} s`,
    );
    console.log(`  ack             p50 ${ms(p50)}, p99 ${ms(p99)}, max ${ms(Math.max(...acks))}`);
    console.log(`  bare node:http  p50 ${ms(b50)}, p99 ${ms(b99)}, max ${ms(Math.max(...bareAcks))}`);
    console.log(`  ratio to bare   p50 ${(p50 / b50).toFixed(2)}x, p99 ${(p99 / b99).toFixed(2)}x`);
    console.log(`  while acking: ${stillWaiting} Plexus calls open (the client's concurrency), the other commands queued behind them`);
    console.log(`  target p99 <= ${ACK_TARGET_P99_MS} ms: ${p99 <= ACK_TARGET_P99_MS ? 'met' : 'NOT met'}`);
    return true;
  } finally {
    // Plexus first: its 10 s answers are dropped, the pending commands fail fast and the app stops at once.
    await h.plexus.close();
    await h.close();
  }
}

/** Resolves when `hook` receives its first post (no polling, so the figure is not padded). */
function answers(h: SlackHarness) {
  const waiting = new Map<string, (p: HookPost) => void>();
  const posts = h.slack.hookPosts;
  const push = posts.push.bind(posts);
  posts.push = (...items: HookPost[]) => {
    for (const p of items) waiting.get(p.hook)?.(p);
    return push(...items);
  };
  return (hookUrl: string) =>
    new Promise<HookPost>((resolve, reject) => {
      const id = hookUrl.slice(hookUrl.lastIndexOf('/') + 1);
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      waiting.set(id, (p) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(p);
      });
    });
}

async function throughput(bareUrl: string): Promise<boolean> {
  const h = await startSlackHarness({ plexusTimeoutMs: 5000 });
  const answerOf = answers(h);
  let answered = 0;
  let wrong = 0;
  let failed = 0;
  const one = async () => {
    const hook = h.slack.hook(OPS, ALICE);
    const answer = answerOf(hook);
    try {
      const res = await postSigned(h.eventsUrl, SIGNING_SECRET, form(LINE, hook));
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      const p = await answer;
      // The seeded gateway has groq in cooldown: anything else is an error answer, not a result.
      if (JSON.stringify(p.body).includes('groq')) answered++;
      else wrong++;
    } catch {
      answer.catch(() => undefined);
      failed++;
    }
  };
  const bare = () => postSigned(bareUrl, SIGNING_SECRET, form(LINE, `${h.slack.url}/hooks/unused`)).then(() => undefined);
  const run = async (task: () => Promise<void>, n: number) => {
    const queue = new PQueue({ concurrency: IN_FLIGHT });
    const t0 = performance.now();
    await Promise.all(Array.from({ length: n }, () => queue.add(task)));
    return n / ((performance.now() - t0) / 1000);
  };
  try {
    await run(one, WARMUP);
    await run(bare, WARMUP);
    [answered, wrong, failed] = [0, 0, 0];
    const botRate = await run(one, ANSWERS);
    const bareRate = await run(bare, ANSWERS);
    console.log(
      `== slack: throughput, ${ANSWERS} slash commands, ${IN_FLIGHT} in flight, ` +
        'fast Plexus (answered = the result reached the response_url)',
    );
    console.log(
      `  answered ${answered}/${ANSWERS}${wrong ? `, ${wrong} with an error answer` : ''}${failed ? `, ${failed} never answered` : ''}`,
    );
    console.log(
      `  ${botRate.toFixed(0)} commands/s; bare node:http ${bareRate.toFixed(0)} requests/s; ratio ${(botRate / bareRate).toFixed(3)}`,
    );
    return answered === ANSWERS;
  } finally {
    await h.close();
  }
}

/** Prints the figures; false only when commands were not acked or not answered (a missed latency target is printed, not failed). */
export async function benchSlack(): Promise<boolean> {
  const bare = await bareServer();
  const started = performance.now();
  try {
    const acked = await ackWhileSlow(bare.url);
    const answered = await throughput(bare.url);
    console.log(`  (slack bench took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    return acked && answered;
  } catch (e) {
    console.error(`slack bench failed: ${(e as Error).message}`);
    return false;
  } finally {
    await bare.close();
  }
}
