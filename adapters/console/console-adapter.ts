import { mkdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Actor } from '../../src/core/actor.js';
import type { Outcome, Pipeline } from '../../src/core/pipeline.js';
import { renderText } from '../../src/render/text.js';

export interface ConsoleOptions {
  pipeline: Pipeline;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** A terminal: show a prompt and a banner. On a pipe: one command per line, plain text out. */
  interactive: boolean;
  actor?: Actor;
  banner?: string;
  /** Where files of replies (backups, exports) are written, mode 0600. */
  fileDir: string;
}

export function consoleActor(): Actor {
  let user = 'console';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep the generic name
  }
  return { platform: 'console', userId: user, channelId: 'console', groups: [] };
}

const QUIT = new Set(['exit', 'quit', '\\q']);

/** Private files never go to stdout: they are written for the current user only, and the reply names the path. */
async function saveFile(dir: string, name: string, content: Buffer) {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = resolve(join(dir, name.replace(/[^\w.-]+/g, '_')));
  await writeFile(path, content, { mode: 0o600 });
  return { name, path, bytes: content.length };
}

/**
 * Reads commands line by line until end of input (or `exit`). Returns the
 * exit status: 0 when every command succeeded, 1 otherwise. A declined
 * confirmation is not a failure.
 */
export async function runConsole(opts: ConsoleOptions): Promise<number> {
  const actor = opts.actor ?? consoleActor();
  const rl = createInterface({ input: opts.input, output: opts.interactive ? opts.output : undefined, terminal: opts.interactive });
  const lines = rl[Symbol.asyncIterator]();
  const write = (s: string) => opts.output.write(s.endsWith('\n') ? s : `${s}\n`);
  const prompt = (p: string) => {
    if (opts.interactive) {
      rl.setPrompt(p);
      rl.prompt();
    }
  };
  const next = async (): Promise<string | undefined> => {
    const r = await lines.next();
    return r.done ? undefined : r.value;
  };
  const show = async (o: Outcome) => {
    if (o.reply.file?.content) o.reply.file = await saveFile(opts.fileDir, o.reply.file.name, o.reply.file.content);
    write(`${renderText(o.reply)}\n`);
  };

  let failed = false;
  if (opts.interactive && opts.banner) write(opts.banner);
  for (;;) {
    prompt('plexus> ');
    const line = await next();
    if (line === undefined) break;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (QUIT.has(trimmed)) break;

    let outcome = await opts.pipeline.handle({ actor, text: trimmed, progress: (update) => void write(renderText(update)) });
    await show(outcome);
    if (outcome.status === 'pending' && outcome.confirmationId) {
      if (!opts.interactive) write('Type yes to confirm; anything else cancels:');
      prompt('Type yes to confirm: ');
      const answer = (await next())?.trim().toLowerCase();
      const id = outcome.confirmationId;
      outcome = answer === 'yes' ? await opts.pipeline.confirm(id, actor) : await opts.pipeline.cancel(id, actor);
      await show(outcome);
      if (answer === undefined) break;
    }
    if (outcome.status === 'error' || outcome.status === 'denied') failed = true;
  }
  rl.close();
  return failed ? 1 : 0;
}
