import type { RunContext } from '../core/command.js';
import { orNull } from '../plexus/not-found.js';
import { reply, type Block, type Reply } from '../render/reply.js';
import { byActor } from './changes.js';
import { jsonReply } from './json-reply.js';

/** What a set or patch command reads, writes and shows: the record before, the record after, and the difference. */
interface RecordWrite<B, A> {
  /** `Alias coding`: the title of the answer, before "created", "replaced" or "changed". */
  title: string;
  /** The record as it is (a 404 means a set creates it). */
  read: () => Promise<B>;
  /** The blocks that show what the write changed. */
  changed: (before: B, after: A) => Block[];
  /** Shown after the change, before the "by" line (warnings, notes). */
  extra?: (after: A) => Block[] | Promise<Block[]>;
  private?: boolean;
  /** With `--json`: the record after, under this title. */
  json?: string;
}

export interface SetFlow<B, A> extends RecordWrite<B, A> {
  /** Writes the whole record; answers the record after. */
  write: () => Promise<A>;
  /** What a new record shows instead of a change. */
  created: (after: A) => Block[];
}

export interface PatchFlow<B, A> extends RecordWrite<B, A> {
  /** Writes some fields (merged into `before` where the user meant it); answers the record after. */
  write: (before: B) => Promise<A>;
}

async function answer<B, A>(ctx: RunContext<unknown>, flow: RecordWrite<B, A>, verb: string, shown: Block[], after: A): Promise<Reply> {
  if (flow.json && ctx.json) return jsonReply(flow.json, after);
  return reply({
    title: `${flow.title} ${verb}`,
    severity: 'success',
    ...(flow.private === undefined ? {} : { private: flow.private }),
    blocks: [...shown, ...((await flow.extra?.(after)) ?? []), byActor(ctx.actor)],
  });
}

/** Create or replace: read what is there (if anything), write, and show the change or the new record. */
export async function setRecord<B, A>(ctx: RunContext<unknown>, flow: SetFlow<B, A>): Promise<Reply> {
  const before = await orNull(flow.read());
  const after = await flow.write();
  return before === null
    ? answer(ctx, flow, 'created', flow.created(after), after)
    : answer(ctx, flow, 'replaced', flow.changed(before, after), after);
}

/** Change some fields: read the record (it must exist), write, and show before → after. */
export async function patchRecord<B, A>(ctx: RunContext<unknown>, flow: PatchFlow<B, A>): Promise<Reply> {
  const before = await flow.read();
  const after = await flow.write(before);
  return answer(ctx, flow, 'changed', flow.changed(before, after), after);
}
