import { gunzipSync, gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export interface ArchiveEntry {
  name: string;
  data: Buffer;
}

export interface UnpackLimits {
  /** Largest single file accepted. */
  maxEntryBytes: number;
  /** Largest uncompressed archive accepted (guards against gzip bombs). */
  maxTotalBytes: number;
}

const DEFAULT_LIMITS: UnpackLimits = { maxEntryBytes: 256 * 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024 };

/** A gzip-compressed tar of regular files, in memory. */
export async function packTarGz(entries: readonly ArchiveEntry[], mtime: Date): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) pack.entry({ name: e.name, size: e.data.length, mtime, mode: 0o644 }, e.data);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

/** The regular files of a tar.gz by name (a leading `./` dropped). Throws on a corrupt or oversized archive. */
export async function unpackTarGz(gz: Buffer, limits: UnpackLimits = DEFAULT_LIMITS): Promise<Map<string, Buffer>> {
  const raw = gunzipSync(gz, { maxOutputLength: limits.maxTotalBytes });
  const extract = tar.extract();
  const files = new Map<string, Buffer>();
  extract.end(raw);
  for await (const entry of extract) {
    const { name, type, size } = entry.header;
    if (type !== 'file') {
      entry.resume();
      continue;
    }
    if ((size ?? 0) > limits.maxEntryBytes) {
      extract.destroy();
      throw new Error(`${name} is larger than ${limits.maxEntryBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    files.set(name.replace(/^\.\//, ''), Buffer.concat(chunks));
  }
  return files;
}
