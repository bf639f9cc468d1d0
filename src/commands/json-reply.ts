import { maskDeep, type MaskOptions } from '../render/mask.js';
import { code, reply, type Reply } from '../render/reply.js';

/**
 * `--json`: the answer as JSON, masked here so no caller can forget it.
 * Usage and error records pass `keepFields: KEY_NAME_FIELDS`: their `apiKey` holds a key name.
 */
export function jsonReply(title: string, value: unknown, opts: MaskOptions = {}): Reply {
  return reply({ title, blocks: [code(JSON.stringify(maskDeep(value, opts), null, 2), 'json')] });
}
