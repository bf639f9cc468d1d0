import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveError, gunzipBounded, packTarGz, unpackTarGz } from '../src/archive/tar-gz.js';
import { parseBackup } from '../src/commands/backup-file.js';
import { fromCsv, toCsv } from '../src/demo/csv.js';
import { startDemoGateway } from '../src/demo/gateway.js';
import { demoSeed } from '../src/demo/seed.js';

const ROOMY = { maxEntryBytes: 1e7, maxTotalBytes: 1e7 };
const bigFile = () =>
  packTarGz(
    [
      { name: 'big.bin', data: Buffer.alloc(4096, 7) },
      { name: 'b.txt', data: Buffer.from('hi') },
    ],
    new Date(0),
  );

describe('tar.gz archives', () => {
  it('round-trips files byte for byte, in order', async () => {
    const entries = [
      { name: 'manifest.json', data: Buffer.from('{"version":1}') },
      { name: 'request_usage.csv.gz', data: Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251)) },
      { name: 'empty.csv', data: Buffer.alloc(0) },
    ];
    const files = await unpackTarGz(await packTarGz(entries, new Date('2026-11-26T12:00:00Z')), ROOMY);
    expect([...files.keys()]).toEqual(entries.map((e) => e.name));
    for (const e of entries) expect(files.get(e.name)!.equals(e.data)).toBe(true);
  });

  it('a truncated or corrupt archive is a clear ArchiveError, not a crash', async () => {
    const gz = await bigFile();
    const tar = gunzipSync(gz);
    await expect(unpackTarGz(gz.subarray(0, gz.length - 20), ROOMY)).rejects.toThrow(
      new ArchiveError('it is not valid gzip (unexpected end of file)'),
    );
    await expect(unpackTarGz(Buffer.from('not gzip at all'), ROOMY)).rejects.toThrow(/^it is not valid gzip/);
    await expect(unpackTarGz(gzipSync(tar.subarray(0, 1000)), ROOMY)).rejects.toThrow(
      new ArchiveError('it is not a valid tar archive (Unexpected end of data)'),
    );
    await expect(unpackTarGz(gzipSync('hello, not a tar'.repeat(64)), ROOMY)).rejects.toThrow(
      /^it is not a valid tar archive \(Invalid tar header/,
    );
  });

  it('enforces the size bounds: per file, and on the unpacked whole (a gzip bomb)', async () => {
    const gz = await bigFile();
    await expect(unpackTarGz(gz, { maxEntryBytes: 1000, maxTotalBytes: 1e6 })).rejects.toThrow(
      new ArchiveError('big.bin is larger than 1000 bytes'),
    );
    await expect(unpackTarGz(gz, { maxEntryBytes: 1e6, maxTotalBytes: 2048 })).rejects.toThrow(
      new ArchiveError('it unpacks to more than 2048 bytes'),
    );
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    expect(() => gunzipBounded(bomb, 1024 * 1024)).toThrow(new ArchiveError('it unpacks to more than 1048576 bytes'));
  });
});

describe('demo CSV tables', () => {
  it('restores nulls, numbers, booleans and JSON cells; quoted cells stay text', () => {
    const rows = [
      { id: 1, key: 'web-app', ok: true, cost: 0.0003, note: null, meta: { a: [1, 2] }, text: 'a, "quoted"\nline' },
      { id: 2, key: 'ci', ok: false, cost: 12, note: 'x', meta: null, text: '' },
    ];
    const back = fromCsv(toCsv(rows));
    expect(back[0]).toMatchObject({
      id: 1,
      key: 'web-app',
      ok: true,
      cost: 0.0003,
      note: null,
      meta: '{"a":[1,2]}',
      text: 'a, "quoted"\nline',
    });
    expect(back[1]).toMatchObject({ id: 2, ok: false, cost: 12, note: 'x', meta: null, text: null });
    expect(fromCsv('')).toEqual([]);
  });
});

const envelope = Buffer.from(JSON.stringify({ plexus_backup: true, created_at: '2026-11-26T12:00:00Z', data: { providers: {} } }));

describe('the bot reading a backup archive', () => {
  it('counts table rows, quoted newlines included', async () => {
    const csv = toCsv([
      { id: 1, body: 'two\nlines' },
      { id: 2, body: 'x' },
      { id: 3, body: null },
    ]);
    const gz = await packTarGz(
      [
        { name: 'config.json', data: envelope },
        { name: './debug_logs.csv.gz', data: gzipSync(csv) },
      ],
      new Date(0),
    );
    expect((await parseBackup('b.tar.gz', gz)).tables).toEqual({ debug_logs: 3 });
  });

  it('a truncated archive, or an unreadable table, is refused with the reason', async () => {
    const gz = await packTarGz(
      [
        { name: 'config.json', data: envelope },
        { name: 'request_usage.csv.gz', data: gzipSync('a,b\n1,2\n') },
      ],
      new Date(0),
    );
    await expect(parseBackup('b.tar.gz', gz.subarray(0, gz.length - 30))).rejects.toThrow(
      '`b.tar.gz` is not a Plexus backup: the gzip archive cannot be read ' +
        '(it is not valid gzip (unexpected end of file)). Nothing was sent.',
    );
    const bad = await packTarGz(
      [
        { name: 'config.json', data: envelope },
        { name: 'request_usage.csv.gz', data: Buffer.from('plain text') },
      ],
      new Date(0),
    );
    await expect(parseBackup('b.tar.gz', bad)).rejects.toThrow(
      /request_usage\.csv\.gz in the archive cannot be read \(it is not valid gzip/,
    );
  });
});

describe('the demo restoring a bad archive', () => {
  let gw: Awaited<ReturnType<typeof startDemoGateway>>;
  const START = Date.parse('2026-11-26T15:20:10.000Z');
  beforeEach(async () => {
    gw = await startDemoGateway({ adminKey: 'k', seed: demoSeed(START), now: () => START });
  });
  afterEach(() => gw.close());
  const post = async (body: Buffer) => {
    const res = await fetch(`${gw.url}/v0/management/restore`, {
      method: 'POST',
      headers: { 'x-admin-key': 'k', 'content-type': 'application/gzip' },
      body,
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const providers = async () =>
    (await (await fetch(`${gw.url}/v0/management/providers`, { headers: { 'x-admin-key': 'k' } })).json()) as unknown;

  it('answers 400 with what is wrong and changes nothing', async () => {
    const before = await providers();
    const full = Buffer.from(
      await (await fetch(`${gw.url}/v0/management/backup?full=true`, { headers: { 'x-admin-key': 'k' } })).arrayBuffer(),
    );
    expect(await post(full.subarray(0, full.length - 40))).toEqual({
      status: 400,
      body: { error: 'Invalid backup: archive could not be read' },
    });
    const files = await unpackTarGz(full, ROOMY);
    files.set('debug_logs.csv.gz', Buffer.from('not gzip'));
    files.set('config.json', envelope);
    const broken = await packTarGz(
      [...files].map(([name, data]) => ({ name, data })),
      new Date(0),
    );
    expect(await post(broken)).toEqual({ status: 400, body: { error: 'Invalid backup: debug_logs.csv.gz could not be read' } });
    expect(await providers()).toEqual(before);
  });
});
