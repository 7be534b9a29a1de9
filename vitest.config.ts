import { defineConfig } from 'vitest/config';

/** `vitest run` at the root runs every package's and app's suite as one project each. */
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
