import { createPlexusClient, type PlexusClientOptions } from '../../src/plexus/client.js';
import type { PlexusApi } from '../../src/base/plexus-api.js';
import { useCleanups } from './cleanups.js';
import { startServer, type Handler, type TestServer } from './test-server.js';

/** Test servers and Plexus clients for a client test file, each closed after the test that made it. */
export function useClientRig(adminKey: string, defaults: Partial<PlexusClientOptions> = {}) {
  const cleanup = useCleanups();
  return {
    cleanup,
    async serve(handler: Handler): Promise<TestServer> {
      const server = await startServer(handler);
      cleanup(() => server.close());
      return server;
    },
    /** A client with the admin key, quick retries (1 ms first backoff) and `defaults`, then `opts`. */
    client(baseUrl: string, opts: Partial<PlexusClientOptions> = {}): PlexusApi {
      const client = createPlexusClient({ baseUrl, adminKey, retryMinMs: 1, ...defaults, ...opts });
      cleanup(() => client.close());
      return client;
    },
  };
}
