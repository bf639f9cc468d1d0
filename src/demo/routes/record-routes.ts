import { ok, requireObject, type HttpError, type Reply } from '../http.js';
import type { Handler, RouteCtx } from '../router.js';
import type { DemoState } from '../state.js';
import type { Obj } from '../types.js';

const DAY = 86_400_000;

/** A collection of named records in the state (providers, aliases, keys, …) and how its routes name one. */
export interface Records<T> {
  /** The route param holding the record's name (`slug`, `name`). */
  param: string;
  of: (state: DemoState) => Record<string, T>;
  missing: (name: string) => HttpError;
}

/** The record a route names, or the collection's 404. */
function found<T>(ctx: RouteCtx, records: Records<T>): { name: string; item: T } {
  const name = ctx.params[records.param] as string;
  const item = records.of(ctx.state)[name];
  if (item === undefined) throw records.missing(name);
  return { name, item };
}

/** `GET …/:name`: the record as `view` shows it. */
export const getRecord =
  <T>(records: Records<T>, view: (name: string, item: T) => unknown): Handler =>
  (ctx) => {
    const { name, item } = found(ctx, records);
    return ok(view(name, item));
  };

/** `PATCH …/:name`: the body must be an object and the record must exist; `apply` merges and saves it. */
export const patchRecord =
  <T>(records: Records<T>, apply: (ctx: RouteCtx, name: string, existing: T, patch: Obj) => Reply): Handler =>
  async (ctx) => {
    const patch = requireObject(await ctx.body());
    const { name, item } = found(ctx, records);
    return apply(ctx, name, item, patch);
  };

/** `DELETE …/:name`: gone afterwards, whether or not it was there. */
export const deleteRecord =
  <T>(records: Pick<Records<T>, 'param' | 'of'>): Handler =>
  (ctx) => {
    delete records.of(ctx.state)[ctx.params[records.param] as string];
    return ok({ success: true });
  };

type RowLog = 'usage' | 'errors' | 'debugLogs' | 'mcpLogs';

/** `DELETE …/:requestId` of a request-keyed log. */
export const deleteRow =
  <K extends RowLog>(log: K, idOf: (row: DemoState[K][number]) => string | undefined): Handler =>
  (ctx) => {
    const rows = ctx.state[log] as DemoState[K][number][];
    ctx.state[log] = rows.filter((row) => idOf(row) !== ctx.params.requestId) as DemoState[K];
    return ok({ success: true });
  };

/** `DELETE …` of a whole log; with `timeOf`, `olderThanDays=` keeps the newer rows. */
export const clearRows =
  <K extends RowLog>(log: K, timeOf?: (row: DemoState[K][number]) => number): Handler =>
  (ctx) => {
    const days = Number(ctx.query.get('olderThanDays'));
    if (timeOf && ctx.query.has('olderThanDays') && Number.isFinite(days)) {
      const cutoff = ctx.state.now() - days * DAY;
      ctx.state[log] = (ctx.state[log] as DemoState[K][number][]).filter((row) => timeOf(row) >= cutoff) as DemoState[K];
    } else {
      ctx.state[log] = [] as unknown as DemoState[K];
    }
    return ok({ success: true });
  };
