import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { z } from 'zod';
import { args, int } from '../core/args.js';
import { defineCommand } from '../core/command.js';
import { isBotError } from '../base/errors.js';
import { systemPath } from '../plexus/path.js';
import { formatNumber } from '../render/format.js';
import { maskDeep, maskTokenPatterns } from '../render/mask.js';
import { code, context, reply, text, type Reply } from '../render/reply.js';
import { jsonReply } from './json-reply.js';

const STREAM = systemPath('logs', 'stream');
const LEVELS = ['error', 'warn', 'info', 'debug', 'verbose', 'silly'] as const;
/** Lines are posted in batches at most this often (chat platforms rate-limit posts). */
const BATCH_MS = 1000;
const MAX_LINE_CHARS = 500;

export interface LogLine {
  level: string;
  message: string;
  timestamp?: string;
  module?: string;
  [field: string]: unknown;
}

/** One SSE event as a log line; `undefined` for pings and other events. Unreadable data still shows, as text. */
export function logLineOf(ev: EventSourceMessage): LogLine | undefined {
  if (ev.event !== undefined && ev.event !== 'syslog' && ev.event !== 'message') return undefined;
  if (ev.data.trim() === '') return undefined;
  try {
    const v = JSON.parse(ev.data) as unknown;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = maskDeep(v as Record<string, unknown>);
      return {
        ...o,
        level: typeof o.level === 'string' ? o.level : 'info',
        message: typeof o.message === 'string' ? o.message : JSON.stringify(o.message ?? ''),
      };
    }
  } catch {
    // not JSON: show the text as it came
  }
  return { level: 'info', message: ev.data };
}

/** `18:37:47 WARN  [dispatch] openrouter returned 502, … provider=openrouter` */
export function formatLogLine(l: LogLine): string {
  const { level, message, timestamp, module, ...rest } = l;
  const time = typeof timestamp === 'string' ? (/\d{2}:\d{2}:\d{2}/.exec(timestamp)?.[0] ?? timestamp) : '';
  const extra = Object.entries(rest)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}=${String(v)}`);
  const line = [time, level.toUpperCase().padEnd(5), module ? `[${module}]` : '', message.replace(/\s+/g, ' '), ...extra]
    .filter(Boolean)
    .join(' ');
  return maskTokenPatterns(line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line);
}

const levelRank = (l: string): number => {
  const i = LEVELS.indexOf(l.toLowerCase() as (typeof LEVELS)[number]);
  return i < 0 ? LEVELS.indexOf('info') : i;
};

type End = 'time' | 'lines' | 'closed';

export const logsTail = defineCommand({
  words: ['logs', 'tail'],
  summary: 'Follow the server log for a while: new lines are posted as they arrive.',
  usage: '[seconds=30] [lines=200] [level=error|warn|info|debug|verbose|silly]',
  example: 'logs tail seconds=1',
  tier: 'read',
  args: args({
    seconds: int({ min: 1, max: 300 }).default(30),
    lines: int({ min: 1, max: 1000 }).default(200),
    level: z.enum(LEVELS, { error: `expected one of ${LEVELS.join(', ')}` }).optional(),
  }),
  calls: [{ method: 'GET', path: STREAM }],
  run: async (ctx) => {
    const { seconds, lines: maxLines, level } = ctx.args;
    const keep = (l: LogLine) => level === undefined || levelRank(l.level) <= levelRank(level);
    const ctrl = new AbortController();
    let end = 'closed' as End;
    const clock = ctx.deps.clock;
    const deadline = clock.setTimeout(() => {
      end = 'time';
      ctrl.abort();
    }, seconds * 1000);
    const started = clock.now();
    const received: LogLine[] = [];
    let pending: string[] = [];
    let posting = Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      clearTimeout(timer);
      timer = undefined;
      if (pending.length === 0 || ctx.json) return;
      const batch = pending;
      pending = [];
      posting = posting
        .then(() => ctx.progress(reply({ blocks: [code(batch.join('\n'))] })))
        .catch((e: unknown) => {
          ctx.deps.logger.warn({ err: e }, 'posting log lines failed');
        });
    };
    const parser = createParser({
      maxBufferSize: 1024 * 1024,
      onEvent: (ev) => {
        const line = logLineOf(ev);
        if (!line || !keep(line) || received.length >= maxLines) return;
        received.push(line);
        pending.push(formatLogLine(line));
        timer ??= setTimeout(flush, BATCH_MS);
        if (received.length >= maxLines) {
          end = 'lines';
          ctrl.abort();
        }
      },
    });
    let broken: string | undefined;
    try {
      const res = await ctx.deps.plexus.stream('GET', STREAM, {}, ctrl.signal);
      const decoder = new TextDecoder();
      for await (const chunk of res.body) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch (e) {
      // Time up before Plexus answered: simply no lines. A stream that broke after some lines keeps them.
      if (end === 'time' && received.length === 0) {
        /* nothing arrived in time */
      } else if (received.length > 0 && isBotError(e)) broken = e.message;
      else throw e;
    } finally {
      deadline.cancel();
      flush();
      await posting;
    }
    const took = (clock.now() - started) / 1000;
    const tookText = `${formatNumber(took, 1)} s`;
    if (ctx.json)
      return jsonReply(`Log lines (${received.length})`, {
        lines: received,
        seconds: Number(took.toFixed(1)),
        ended: broken ? 'broken' : end,
      });
    const filter = level ? ` at ${level} or worse` : '';
    if (received.length === 0) {
      return reply({
        title: 'Logs: no new log lines',
        blocks: [
          text(`No new log lines${filter} in ${tookText}${end === 'closed' ? ' (Plexus closed the stream)' : ''}.`),
          context("Only new lines are streamed, at or above the server's log level: `logging level` shows it."),
        ],
      });
    }
    const why: Record<End, string> = {
      time: `the ${seconds} s were up`,
      lines: `the limit of ${maxLines} lines was reached`,
      closed: 'Plexus closed the stream',
    };
    const out: Reply = reply({
      title: `Logs: ${formatNumber(received.length)} line${received.length === 1 ? '' : 's'} in ${tookText}`,
      severity: broken ? 'warning' : 'info',
      blocks: [
        text(broken ? `The stream broke: ${broken}` : `Stopped because ${why[end]}.`),
        context(`\`logs tail seconds=${seconds} lines=${maxLines}${level ? ` level=${level}` : ''}\` follows it again.`),
      ],
    });
    return out;
  },
});

export const logsCommands = [logsTail];
