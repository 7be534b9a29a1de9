import { defineConfig } from 'vitest/config';

/**
 * Tests import workspace packages from their TypeScript sources (the `@nightshift/source`
 * export condition), so no package has to be built before its dependents' tests run.
 */
const conditions = ['@nightshift/source', 'module', 'node', 'development|production'];
// What tests run in: Node. 'module' is a bundlers' condition, and packages built for it (the AWS
// SDK's dist-es) import files without their extensions, which Node cannot load.
const nodeConditions = conditions.filter((condition) => condition !== 'module');

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions: nodeConditions, externalConditions: nodeConditions } },
  test: {
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Real Redis and real child processes: a flaky network or slow CI core is not a test failure.
    retry: 0,
  },
});
