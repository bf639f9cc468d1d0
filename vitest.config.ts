import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Tests must not depend on each other's order (each gets fresh fake state).
    sequence: { shuffle: true },
  },
});
