import { describe, expect, it } from 'vitest';
import { packTarGz, unpackTarGz } from '../src/archive/tar-gz.js';
import { fromCsv, toCsv } from '../src/demo/csv.js';

describe('tar.gz archives', () => {
  it('round-trips files byte for byte', async () => {
    const entries = [
      { name: 'manifest.json', data: Buffer.from('{"version":1}') },
      { name: 'request_usage.csv.gz', data: Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251)) },
      { name: 'empty.csv', data: Buffer.alloc(0) },
    ];
    const files = await unpackTarGz(await packTarGz(entries, new Date('2026-11-26T12:00:00Z')));
    expect([...files.keys()]).toEqual(entries.map((e) => e.name));
    for (const e of entries) expect(files.get(e.name)!.equals(e.data)).toBe(true);
  });

  it('refuses a truncated archive and a file over the size bound with an error, not a crash', async () => {
    const gz = await packTarGz([{ name: 'big.bin', data: Buffer.alloc(4096, 7) }], new Date(0));
    await expect(unpackTarGz(gz.subarray(0, gz.length - 20))).rejects.toThrow();
    await expect(unpackTarGz(Buffer.from('not gzip at all'))).rejects.toThrow();
    await expect(unpackTarGz(gz, { maxEntryBytes: 1000, maxTotalBytes: 1e6 })).rejects.toThrow(/big.bin is larger than 1000 bytes/);
    await expect(unpackTarGz(gz, { maxEntryBytes: 1e6, maxTotalBytes: 2048 })).rejects.toThrow();
  });
});

describe('demo CSV tables', () => {
  it('restores nulls, numbers, booleans and JSON cells; quoted cells stay text', () => {
    const rows = [
      { id: 1, key: 'web-app', ok: true, cost: 0.0003, note: null, meta: { a: [1, 2] }, text: 'a, "quoted"\nline' },
      { id: 2, key: 'ci', ok: false, cost: 12, note: 'x', meta: null, text: '' },
    ];
    const back = fromCsv(toCsv(rows));
    expect(back[0]).toMatchObject({ id: 1, key: 'web-app', ok: true, cost: 0.0003, note: null, meta: '{"a":[1,2]}', text: 'a, "quoted"\nline' });
    expect(back[1]).toMatchObject({ id: 2, ok: false, cost: 12, note: 'x', meta: null, text: null });
    expect(fromCsv('')).toEqual([]);
  });
});
