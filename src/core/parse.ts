import { BotError } from '../base/errors.js';

/** A command line split by the grammar of the command language (see README). */
export interface ParsedLine {
  /** Bare words in order: command words first, then positional values. */
  words: string[];
  /** name=value pairs, in order of appearance (a later one wins). */
  named: Record<string, string>;
  /** --flags (without the dashes). `--name=value` goes to `named`. */
  flags: string[];
  /** The trailing `{...}` JSON body, parsed. */
  body?: Record<string, unknown>;
}

const SMART_QUOTES: Record<string, string> = { '\u201c': '"', '\u201d': '"', '\u2018': "'", '\u2019': "'" };
const NAME = /^[A-Za-z_][\w.-]*$/;

/** Chat clients turn typed quotes into curly ones and `--` into an em dash; undo both. */
function normalize(line: string): string {
  return line
    .replace(/[\u201c\u201d\u2018\u2019]/g, (c) => SMART_QUOTES[c] ?? c)
    .replace(/(^|\s)\u2014(?=\S)/g, '$1--')
    .trim();
}

interface Token {
  text: string;
  /** True when any part of the token was quoted: never treated as name=value or a flag. */
  quoted: boolean;
  /** Index of the first `=` outside quotes, or -1. */
  eq: number;
}

function tokenize(line: string): { tokens: Token[]; jsonStart: number } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) break;
    if (line[i] === '{') return { tokens, jsonStart: i };
    let text = '';
    let quoted = false;
    let eq = -1;
    while (i < line.length && !/\s/.test(line[i]!)) {
      const ch = line[i]!;
      if (ch === '"' || ch === "'") {
        const end = line.indexOf(ch, i + 1);
        if (end < 0) {
          throw new BotError('INVALID_ARGS', `Unclosed ${ch} quote starting at: ${line.slice(i, i + 30)}`, {
            hints: ['Close the quote, e.g. comment="CI runner".'],
          });
        }
        if (text.length === 0) quoted = true;
        text += line.slice(i + 1, end);
        i = end + 1;
        continue;
      }
      if (ch === '\\' && i + 1 < line.length) {
        text += line[i + 1];
        i += 2;
        continue;
      }
      if (ch === '=' && eq < 0 && !quoted) eq = text.length;
      text += ch;
      i++;
    }
    tokens.push({ text, quoted, eq });
  }
  return { tokens, jsonStart: -1 };
}

function parseBody(json: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new BotError('INVALID_ARGS', `The JSON body is not valid JSON: ${(e as Error).message}`, {
      hints: ['A JSON body goes last on the line, e.g. {"enabled":true}.'],
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BotError('INVALID_ARGS', 'The JSON body must be an object ({...}).');
  }
  return value as Record<string, unknown>;
}

export function parseLine(input: string): ParsedLine {
  const line = normalize(input);
  const { tokens, jsonStart } = tokenize(line);
  const out: ParsedLine = { words: [], named: {}, flags: [] };
  for (const t of tokens) {
    if (!t.quoted && t.text.startsWith('--') && t.text.length > 2) {
      const flag = t.text.slice(2);
      const eq = flag.indexOf('=');
      if (eq > 0) out.named[flag.slice(0, eq)] = flag.slice(eq + 1);
      else out.flags.push(flag);
      continue;
    }
    if (!t.quoted && t.eq > 0 && NAME.test(t.text.slice(0, t.eq))) {
      out.named[t.text.slice(0, t.eq)] = t.text.slice(t.eq + 1);
      continue;
    }
    out.words.push(t.text);
  }
  if (jsonStart >= 0) out.body = parseBody(line.slice(jsonStart));
  return out;
}
