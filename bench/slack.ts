/**
 * Slack: time from a signed slash command to its HTTP ack while Plexus is
 * slow, and commands answered per second with a fast Plexus, each against a
 * bare node:http server answering the same signed POST.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import PQueue from 'p-queue';
import { SIGNING_SECRET, startSlackHarness } from '../test/fakes/slack-harness.js';
import { postSigned, slashCommandFields } from '../test/fakes/slack-signer.js';

const ACKS = 200;
const ANSWERS = 300;
const IN_FLIGHT = 10;
const SLOW_PLEXUS_MS = 10_000;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function bareServer() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export async function benchSlack(): Promise<boolean> {
  const bare = await bareServer();
  const body = (text: string, hook: string) => new URLSearchParams(slashCommandFields({ text, user: 'U0ALICE', channel: 'C0LLMOPS', responseUrl: hook })).toString();

  // Ack latency with a Plexus that takes 10 s.
  const slow = await startSlackHarness({ plexusTimeoutMs: 30_000 });
  slow.plexus.delay(SLOW_PLEXUS_MS);
  const acks: number[] = [];
  const bareAcks: number[] = [];
  for (let i = 0; i < ACKS; i++) {
    const hook = slow.slack.hook('C0LLMOPS', 'U0ALICE');
    let t = performance.now();
    const res = await postSigned(slow.eventsUrl, SIGNING_SECRET, body('cooldowns list', hook));
    acks.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`slash command answered ${res.status}`);
    t = performance.now();
    await postSigned(bare.url, SIGNING_SECRET, body('cooldowns list', hook));
    bareAcks.push(performance.now() - t);
  }
  const p50 = pct(acks, 50);
  const p99 = pct(acks, 99);
  console.log(`\n== slack: signed /plexus → HTTP ack, ${ACKS} commands, Plexus answering in ${SLOW_PLEXUS_MS / 1000} s`);
  console.log(`  ack p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (target p99 <= 50 ms: ${p99 <= 50 ? 'met' : 'NOT met'})`);
  console.log(`  bare node:http p50 ${pct(bareAcks, 50).toFixed(2)} ms, p99 ${pct(bareAcks, 99).toFixed(2)} ms; ratio p50 ${(p50 / pct(bareAcks, 50)).toFixed(2)}, p99 ${(p99 / pct(bareAcks, 99)).toFixed(2)}`);
  slow.plexus.reset();
  await slow.close();

  // Throughput with a fast Plexus: a command counts once its answer reaches the response_url.
  const fast = await startSlackHarness();
  const queue = new PQueue({ concurrency: IN_FLIGHT });
  let answered = 0;
  let t0 = performance.now();
  await Promise.all(
    Array.from({ length: ANSWERS }, () =>
      queue.add(async () => {
        const sent = await fast.command('cooldowns list');
        await fast.waitPosts(sent.hook, 1);
        answered += 1;
      }),
    ),
  );
  const botRate = answered / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  await Promise.all(Array.from({ length: ANSWERS }, () => queue.add(() => postSigned(bare.url, SIGNING_SECRET, body('cooldowns list', 'http://127.0.0.1:9/')))));
  const bareRate = ANSWERS / ((performance.now() - t0) / 1000);
  console.log(`== slack: throughput, ${ANSWERS} commands, ${IN_FLIGHT} in flight, fast Plexus`);
  console.log(`  answered ${answered}/${ANSWERS}: ${botRate.toFixed(0)} commands/s; bare node:http ${bareRate.toFixed(0)} requests/s; ratio ${(botRate / bareRate).toFixed(3)}`);
  await fast.close();
  await bare.close();
  return answered === ANSWERS;
}
