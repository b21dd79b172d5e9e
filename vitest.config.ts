import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/temp-root.ts'],
    // Budgets for CPU work, not waits: many tests run the CLI as whole processes
    // (each loads TypeScript modules and the inventory), which takes several
    // times longer on a loaded 2-core machine. Tests wait for conditions; a
    // hang still fails, only later.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
