import { describe, expect, it } from 'vitest';
import { BotError } from '../src/base/errors.js';
import { parseRetryAfter } from '../src/plexus/network.js';
import { buildQuery, mgmtPath, mgmtPathKeepSlashes, slashSegment, slug, stripQuery, systemPath, withQuery } from '../src/plexus/path.js';

describe('mgmtPath', () => {
  it('joins and URI-encodes each segment', () => {
    expect(mgmtPath()).toBe('/v0/management');
    expect(mgmtPath('usage', 'summary')).toBe('/v0/management/usage/summary');
    expect(mgmtPath('keys', 'a b/c?d#e%')).toBe('/v0/management/keys/a%20b%2Fc%3Fd%23e%25');
    expect(mgmtPath('errors', 42)).toBe('/v0/management/errors/42');
  });

  it('keeps the slashes of a slug, encoding each part', () => {
    expect(mgmtPath('providers', slug('org/team'))).toBe('/v0/management/providers/org/team');
    expect(mgmtPath('providers', slashSegment('org/a b'))).toBe('/v0/management/providers/org/a%20b');
    expect(mgmtPathKeepSlashes('providers', 'org/team', 'x')).toBe('/v0/management/providers/org/team/x');
    expect(mgmtPath('cooldowns', slug('plain'))).toBe('/v0/management/cooldowns/plain');
  });

  it('never lets a name climb out of its collection', () => {
    expect(mgmtPath('keys', '..')).toBe('/v0/management/keys/%2E%2E');
    expect(mgmtPath('providers', slug('a/../b'))).toBe('/v0/management/providers/a/%2E%2E/b');
    expect(mgmtPath('keys', '.')).toBe('/v0/management/keys/%2E');
  });

  it('rejects empty names', () => {
    expect(() => mgmtPath('keys', '')).toThrow(BotError);
    expect(() => mgmtPath('providers', slug('a//b'))).toThrow(/empty part/);
    expect(() => mgmtPath('providers', slug('/a'))).toThrow(BotError);
  });

  it('keeps {param} placeholders of route templates', () => {
    expect(mgmtPath('keys', '{name}')).toBe('/v0/management/keys/{name}');
    expect(mgmtPath('keys', '{not a placeholder}')).toBe('/v0/management/keys/%7Bnot%20a%20placeholder%7D');
  });

  it('system paths', () => {
    expect(systemPath('logs', 'recent')).toBe('/v0/system/logs/recent');
  });
});

describe('query', () => {
  it('drops undefined and null, keeps false and 0', () => {
    expect(buildQuery({ a: 1, b: undefined, c: null, d: false, e: 0, f: 'x y&z' })).toBe('a=1&d=false&e=0&f=x+y%26z');
    expect(buildQuery(undefined)).toBe('');
    expect(buildQuery({ a: undefined })).toBe('');
  });

  it('appends to a path that may already have a query', () => {
    expect(withQuery('/p', { a: 1 })).toBe('/p?a=1');
    expect(withQuery('/p?x=1', { a: 1 })).toBe('/p?x=1&a=1');
    expect(withQuery('/p', {})).toBe('/p');
  });

  it('stripQuery', () => {
    expect(stripQuery('/v0/management/usage?apiKey=secret')).toBe('/v0/management/usage');
    expect(stripQuery('/a#frag')).toBe('/a');
    expect(stripQuery('/a')).toBe('/a');
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, bounded', () => {
    expect(parseRetryAfter('2', 10_000)).toBe(2_000);
    expect(parseRetryAfter('120', 10_000)).toBe(10_000);
    expect(parseRetryAfter(undefined, 10_000)).toBeUndefined();
    expect(parseRetryAfter('soon', 10_000)).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', 10_000, now)).toBe(3_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', 10_000, now)).toBe(0);
  });
});
