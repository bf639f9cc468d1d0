import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // One PostgreSQL server per run (TEST_DATABASE_URL, or an embedded one); each test file makes its own database.
    globalSetup: ['test/support/postgres-global.ts'],
    // Tests must not depend on each other's order (each gets fresh fake state).
    sequence: { shuffle: true },
  },
});
