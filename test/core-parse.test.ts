import { describe, expect, it } from 'vitest';
import { parseLine } from '../src/core/parse.js';
import { BotError } from '../src/base/errors.js';

describe('parseLine', () => {
  it('splits words, name=value pairs and flags', () => {
    expect(parseLine('providers delete openai --cascade limit=5')).toEqual({
      words: ['providers', 'delete', 'openai'],
      named: { limit: '5' },
      flags: ['cascade'],
    });
  });

  it('keeps quoted values whole, including = and spaces', () => {
    const p = parseLine(`keys create ci comment="CI runner = nightly" note='it''s'`);
    expect(p.named.comment).toBe('CI runner = nightly');
    expect(p.words).toEqual(['keys', 'create', 'ci']);
  });

  it('treats a fully quoted token as a word even when it holds =', () => {
    expect(parseLine('providers get "a=b"').words).toEqual(['providers', 'get', 'a=b']);
  });

  it('undoes curly quotes and em dashes that chat clients insert', () => {
    const p = parseLine('keys create ci comment=\u201cCI runner\u201d \u2014cascade');
    expect(p.named.comment).toBe('CI runner');
    expect(p.flags).toEqual(['cascade']);
  });

  it('takes a trailing JSON body, with spaces and braces inside strings', () => {
    const p = parseLine('providers set openai enabled=false {"api_base_url": "https://x/v1", "note": "a } b"}');
    expect(p.words).toEqual(['providers', 'set', 'openai']);
    expect(p.named).toEqual({ enabled: 'false' });
    expect(p.body).toEqual({ api_base_url: 'https://x/v1', note: 'a } b' });
  });

  it('keeps list values as the raw comma string (the command schema splits them)', () => {
    expect(parseLine('keys create ci allowedProviders=openai,anthropic').named.allowedProviders).toBe('openai,anthropic');
  });

  it('accepts --name=value as a named pair', () => {
    expect(parseLine('usage list --limit=3').named).toEqual({ limit: '3' });
  });

  it('a later pair wins over an earlier one', () => {
    expect(parseLine('usage list limit=3 limit=7').named.limit).toBe('7');
  });

  it('rejects invalid JSON with the parser message', () => {
    expect(() => parseLine('providers set x {"a":}')).toThrowError(/JSON body is not valid JSON/);
  });

  it('rejects a JSON body that is not an object', () => {
    expect(() => parseLine('providers set x {')).toThrowError(BotError);
  });

  it('rejects an unclosed quote and says where', () => {
    expect(() => parseLine('keys create ci comment="oops')).toThrowError(/Unclosed " quote/);
  });

  it('treats backslash as an escape outside quotes', () => {
    expect(parseLine('providers get a\\ b').words).toEqual(['providers', 'get', 'a b']);
  });

  it('gives an empty line no words', () => {
    expect(parseLine('   ').words).toEqual([]);
  });
});
