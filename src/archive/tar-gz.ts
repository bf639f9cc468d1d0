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

/** A tar.gz that is corrupt, truncated or over the size bound. */
export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

/** A gzip-compressed tar of regular files, in memory. */
export async function packTarGz(entries: readonly ArchiveEntry[], mtime: Date): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) pack.entry({ name: e.name, size: e.data.length, mtime, mode: 0o644 }, e.data);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

/** Gunzips at most `maxBytes` of output; more (a gzip bomb) or a corrupt stream throws ArchiveError. */
export function gunzipBounded(gz: Buffer, maxBytes: number): Buffer {
  try {
    return gunzipSync(gz, { maxOutputLength: maxBytes });
  } catch (e) {
    if (e instanceof RangeError) throw new ArchiveError(`it unpacks to more than ${maxBytes} bytes`);
    throw new ArchiveError(`it is not valid gzip (${(e as Error).message})`);
  }
}

/** The regular files of a tar.gz by name (a leading `./` dropped). Throws ArchiveError on a corrupt or oversized archive. */
export async function unpackTarGz(gz: Buffer, limits: UnpackLimits): Promise<Map<string, Buffer>> {
  const raw = gunzipBounded(gz, limits.maxTotalBytes);
  const extract = tar.extract();
  const files = new Map<string, Buffer>();
  extract.end(raw);
  try {
    for await (const entry of extract) {
      const { name, type, size } = entry.header;
      if (type !== 'file') {
        entry.resume();
        continue;
      }
      if ((size ?? 0) > limits.maxEntryBytes) throw new ArchiveError(`${name} is larger than ${limits.maxEntryBytes} bytes`);
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      files.set(name.replace(/^\.\//, ''), Buffer.concat(chunks));
    }
  } catch (e) {
    extract.destroy();
    if (e instanceof ArchiveError) throw e;
    throw new ArchiveError(`it is not a valid tar archive (${(e as Error).message})`);
  }
  return files;
}
