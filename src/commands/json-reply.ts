import { maskDeep } from '../render/mask.js';
import { code, reply, type Reply } from '../render/reply.js';

/** `--json`: the answer as JSON, masked again here so no caller can forget it. */
export function jsonReply(title: string, value: unknown): Reply {
  return reply({ title, blocks: [code(JSON.stringify(maskDeep(value), null, 2), 'json')] });
}
