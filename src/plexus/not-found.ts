import { isPlexusHttpError, type PlexusHttpError } from './errors.js';

/** Plexus answered 404: there is no such record. */
export const isNotFound = (e: unknown): e is PlexusHttpError => isPlexusHttpError(e) && e.status === 404;

/** What a read answered, or null when there is no such record; any other failure still throws. */
export async function orNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}
