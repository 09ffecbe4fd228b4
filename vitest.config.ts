import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Parsing a spec with the AsyncAPI parser takes about a second; socket tests wait on the network.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
