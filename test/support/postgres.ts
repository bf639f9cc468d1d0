import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';

/** The server of this run (TEST_DATABASE_URL, or the one test/support/postgres-global.ts started). */
export function serverUrl(): string {
  return process.env.TEST_DATABASE_URL || inject('postgresUrl');
}

const withDatabase = (url: string, name: string): string => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

/**
 * A new, empty database on the run's server, dropped after the file's tests: files run in parallel and
 * shuffled without seeing each other's rows. Call at the top level or in a hook.
 */
export async function freshDatabase(): Promise<string> {
  const name = `t_${randomBytes(8).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  afterAll(async () => {
    const c = new pg.Client({ connectionString: serverUrl() });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await c.end();
    }
  });
  return withDatabase(serverUrl(), name);
}
