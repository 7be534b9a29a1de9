import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

/**
 * Each file starts its own redis-server and several app processes: run the files one after the
 * other, so two cores shared with other suites never starve a lock renewal into a false stall.
 */
export default mergeConfig(
  shared,
  defineProject({ test: { name: 'failure-recovery', fileParallelism: false, testTimeout: 120_000, hookTimeout: 60_000 } }),
);
