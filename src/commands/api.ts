import { z } from 'zod';
import { args, word } from '../core/args.js';
import { defineCommand, type ApiCall, type Command } from '../core/command.js';
import { context, fields, reply, table, text, type Block } from '../render/reply.js';
import { answerBlocks, buildApiRequest, callUsage, curatedFor, maskOptionsFor } from './api-request.js';
import { jsonReply } from './json-reply.js';
import { findOperation, getApiDoc, OPENAPI_PATH, type Operation } from './openapi-doc.js';

const DOC_CALL: ApiCall = { method: 'GET', path: OPENAPI_PATH };
const MGMT = '/v0/management';
const shortPath = (p: string): string => (p.startsWith(`${MGMT}/`) ? p.slice(MGMT.length + 1) : p);
const TIER_NOTE: Record<string, string> = { read: 'read', write: 'write', destructive: 'destructive (asks for confirmation)' };

function matches(op: Operation, filter: string): boolean {
  const f = filter.toLowerCase();
  return [op.operationId, op.method, op.path, op.summary, op.tag, `${op.method} ${op.path}`, `${op.method} ${shortPath(op.path)}`].some(
    (s) => s.toLowerCase().includes(f),
  );
}

const curatedLine = (op: Operation, commands: readonly Command[]): string | undefined => {
  const c = curatedFor(op, commands);
  return c.length > 0 ? `Curated command: ${c.map((x) => `\`${x.name}\``).join(', ')}` : undefined;
};

export const apiList = defineCommand({
  words: ['api', 'list'],
  summary: "List the management operations of the server's OpenAPI document, by tag.",
  usage: '[filter]',
  example: 'api list cooldowns',
  tier: 'read',
  rest: 'filter',
  args: args({ filter: z.string().optional() }),
  calls: [DOC_CALL],
  run: async (ctx) => {
    const doc = await getApiDoc(ctx.deps);
    const filter = ctx.args.filter?.trim();
    const ops = filter ? doc.operations.filter((o) => matches(o, filter)) : doc.operations;
    if (ctx.json)
      return jsonReply(
        `API operations${filter ? ` matching "${filter}"` : ''}`,
        ops.map(({ operationId, method, path, summary, tag, tier }) => ({ operationId, method, path, summary, tag, tier })),
      );
    if (ops.length === 0) {
      return reply({
        title: 'API operations',
        blocks: [text(`No operation matches \`${filter}\`.`), context('`api list` without a filter shows them all.')],
      });
    }
    const byTag = new Map<string, Operation[]>();
    for (const o of ops) byTag.set(o.tag, [...(byTag.get(o.tag) ?? []), o]);
    const blocks: Block[] = [];
    for (const [tag, list] of [...byTag.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      blocks.push(text(`${tag} (${list.length})`));
      blocks.push(
        table(
          ['operationId', 'call', 'tier', 'summary'],
          list.map((o) => [o.operationId, `${o.method} ${shortPath(o.path)}`, o.tier, o.summary]),
        ),
      );
    }
    return reply({
      title: `API operations${filter ? ` matching "${filter}"` : ''} (${ops.length} of ${doc.operations.length})`,
      blocks: [
        ...blocks,
        context(
          `${doc.title} ${doc.version}. Paths are under ${MGMT}/ unless shown whole. \`api describe <operationId>\` explains ` +
            'one; `api call <operationId> name=value… [{json}]` runs it.\nTier: GET read; DELETE, and names with ' +
            'delete/restore/restart/reset/clear/rotate/disable, destructive; others write.',
        ),
      ],
    });
  },
});

function describeReply(op: Operation, commands: readonly Command[]): ReturnType<typeof reply> {
  const curated = curatedLine(op, commands);
  const blocks: Block[] = [
    text(op.summary || '(no summary in the document)'),
    fields([
      { label: 'Call', value: `${op.method} ${op.path}` },
      { label: 'Tag', value: op.tag },
      { label: 'Tier', value: TIER_NOTE[op.tier] ?? op.tier },
      { label: 'Usage', value: callUsage(op) },
    ]),
  ];
  const params = op.params.filter((p) => p.in === 'path' || p.in === 'query');
  if (params.length > 0) {
    blocks.push(
      table(
        ['parameter', 'in', 'type', 'required', 'description'],
        params.map((p) => [p.name, p.in, p.type, p.required ? 'yes' : 'no', p.description ?? '']),
      ),
    );
  }
  if (op.body) {
    const n = op.body.fields.length;
    blocks.push(
      text(
        `Body (${op.body.contentType}, ${op.body.required ? 'required' : 'optional'}): ` +
          `${op.body.type}${n > 0 ? `, ${n} field${n === 1 ? '' : 's'}` : ''}`,
      ),
    );
    if (n > 0) {
      const shown = op.body.fields.slice(0, 25);
      blocks.push(
        table(
          ['field', 'type', 'required'],
          shown.map((f) => [f.name, f.type, f.required ? 'yes' : '']),
        ),
      );
      if (n > shown.length) blocks.push(context(`${n - shown.length} more fields not shown.`));
    }
  } else {
    blocks.push(text('No request body.'));
  }
  if (curated) blocks.push(context(curated));
  return reply({ title: `api: ${op.operationId}`, blocks });
}

export const apiDescribe = defineCommand({
  words: ['api', 'describe'],
  summary: 'Show one operation of the OpenAPI document: parameters, body, and the tier a call needs.',
  usage: '<operationId>',
  example: 'api describe deleteV0ManagementCooldownsByprovider',
  tier: 'read',
  positional: ['operationId'],
  args: args({ operationId: word('<operationId>') }),
  calls: [DOC_CALL],
  run: async (ctx) => {
    const doc = await getApiDoc(ctx.deps);
    const op = findOperation(doc, ctx.args.operationId, 'api describe <operationId>');
    if (ctx.json) return jsonReply(`api: ${op.operationId}`, op);
    return describeReply(op, ctx.commands);
  },
});

const CALL_USAGE = 'api call <operationId> [param=value...] [{json}]';

/** Loose args: any name=value is a parameter of the operation (read back from the line, apart from the body). */
const callArgs = z.object({ operationId: word('<operationId>') }).catchall(z.unknown());

async function resolveCall(ctx: { deps: Parameters<typeof getApiDoc>[0]; args: { operationId: string }; line: string }) {
  const op = findOperation(await getApiDoc(ctx.deps), ctx.args.operationId, CALL_USAGE);
  return { op, req: buildApiRequest(op, ctx.line) };
}

export const apiCall = defineCommand({
  words: ['api', 'call'],
  summary: "Call a management operation by its operationId; the tier is the operation's.",
  usage: '<operationId> [param=value...] [{json}]',
  example: 'api call getV0ManagementCooldowns',
  tier: 'read',
  positional: ['operationId'],
  args: callArgs,
  calls: [DOC_CALL],
  tierFor: async (ctx) => (await resolveCall(ctx)).op.tier,
  describeRisk: async (ctx) => {
    const { op, req } = await resolveCall(ctx);
    const keys = req.body ? Object.keys(req.body) : [];
    return {
      lines: [
        `It sends \`${op.method} ${req.path}\`` +
          `${Object.keys(req.query).length > 0 ? ` with ${Object.keys(req.query).join(', ')}` : ''}` +
          `${keys.length > 0 ? ` and a body with ${keys.join(', ')}` : ''}: ${op.summary || op.operationId}.`,
        'Plexus applies it at once; there is no undo from here.',
        ...[curatedLine(op, ctx.commands)].filter((l): l is string => l !== undefined).map((l) => `${l} (it says exactly what will go).`),
      ],
    };
  },
  run: async (ctx) => {
    const { op, req } = await resolveCall(ctx);
    const res = await ctx.deps.plexus.requestRaw(op.method, req.path, { query: req.query, ...(req.body ? { body: req.body } : {}) });
    const notes = [
      `${op.method} ${req.path} → HTTP ${res.status}`,
      ...(req.undeclared.length > 0
        ? [`Not in the document for this operation, sent as query parameters anyway: ${req.undeclared.map((n) => `${n}=`).join(', ')}`]
        : []),
      'Secret fields are masked.',
    ];
    return reply({
      title: `api call: ${op.operationId}`,
      severity: op.method === 'GET' ? 'info' : 'success',
      blocks: [...answerBlocks(res, maskOptionsFor(op)), context(notes.join('\n'))],
    });
  },
});

export const apiCommands = [apiList, apiDescribe, apiCall];
