/**
 * Pipeline overhead and burst behaviour, measured in one run against the same
 * local Plexus fake. Prints ratios against a raw undici baseline.
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { Pool } from 'undici';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { systemClock } from '../src/core/clock.js';
import { createPlexusClient } from '../src/plexus/client.js';
import { renderText } from '../src/render/text.js';
import { startFakePlexus } from '../test/fakes/plexus.js';
import { median } from './stats.js';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 600);
const WARMUP = 100;
const BURST = 500;
const CONCURRENCY = 4;

/** Prints the figures; returns false when a hard expectation failed. */
export async function benchPipeline(): Promise<boolean> {
  const fake = await startFakePlexus();
  const config = { ...loadConfig({}), plexus: { baseUrl: fake.url, adminKey: fake.adminKey, concurrency: CONCURRENCY, timeoutMs: 15_000 } };
  const logger = pino({ level: 'silent' });
  const plexus = createPlexusClient({ baseUrl: fake.url, adminKey: fake.adminKey, concurrency: CONCURRENCY, logger });
  const { pipeline } = createApp({ config, plexus, logger, clock: systemClock });
  const actor = { platform: 'console' as const, userId: 'bench', channelId: 'console', groups: [] };
  const raw = new Pool(fake.url, { connections: CONCURRENCY });
  const path = '/v0/management/cooldowns';

  const viaRaw = async () => {
    const res = await raw.request({ method: 'GET', path, headers: { 'x-admin-key': fake.adminKey, accept: 'application/json' } });
    await res.body.json();
  };
  const viaPipeline = async () => {
    const out = await pipeline.handle({ actor, text: 'cooldowns list' });
    if (out.status !== 'ok') throw new Error(`bench command failed: ${renderText(out.reply)}`);
    renderText(out.reply);
  };

  for (let i = 0; i < WARMUP; i++) {
    await viaRaw();
    await viaPipeline();
  }
  const rawTimes: number[] = [];
  const pipeTimes: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    // Interleaved so drift on the machine hits both sides alike.
    for (const [fn, times] of i % 2 === 0
      ? ([
          [viaRaw, rawTimes],
          [viaPipeline, pipeTimes],
        ] as const)
      : ([
          [viaPipeline, pipeTimes],
          [viaRaw, rawTimes],
        ] as const)) {
      const t0 = performance.now();
      await fn();
      times.push(performance.now() - t0);
    }
  }
  const rawMedian = median(rawTimes);
  const pipeMedian = median(pipeTimes);
  console.log(`\n== pipeline: single command (cooldowns list, ${ITERATIONS} interleaved runs)`);
  console.log(`  raw undici GET median     ${(rawMedian * 1000).toFixed(0)} µs`);
  console.log(`  whole pipeline median     ${(pipeMedian * 1000).toFixed(0)} µs`);
  console.log(`  ratio pipeline / raw      ${(pipeMedian / rawMedian).toFixed(3)}  (target <= 1.10)`);

  // A little server latency so requests overlap and the in-flight bound is really exercised.
  fake.reset();
  fake.delay(2);
  const t0 = performance.now();
  const outcomes = await Promise.all(Array.from({ length: BURST }, () => pipeline.handle({ actor, text: 'cooldowns list' })));
  const burstMs = performance.now() - t0;
  const answered = outcomes.filter((o) => o.status === 'ok').length;
  const rawBurst0 = performance.now();
  await Promise.all(Array.from({ length: BURST }, viaRaw));
  const rawBurstMs = performance.now() - rawBurst0;
  console.log(`== pipeline: burst of ${BURST} concurrent commands (concurrency ${CONCURRENCY})`);
  console.log(`  answered                  ${answered}/${BURST}`);
  console.log(`  max in flight at Plexus   ${fake.maxInFlight} (limit ${CONCURRENCY})`);
  console.log(
    `  wall time                 ${burstMs.toFixed(0)} ms; raw undici burst ${rawBurstMs.toFixed(0)} ms; ` +
      `ratio ${(burstMs / rawBurstMs).toFixed(3)}`,
  );

  await raw.close();
  await plexus.close();
  await fake.close();
  return answered === BURST && fake.maxInFlight <= CONCURRENCY;
}
