import { healthPortFromManifest, loadEnv, workerEnvShape } from '@nightshift/config';
import { z } from 'zod';

export const envSchema = z.object({
  ...workerEnvShape,
  /** The app's own default (`nightshift.defaultPort` in its package.json), so all of them run side by side on one machine. */
  METRICS_PORT: healthPortFromManifest(new URL('../package.json', import.meta.url), 'METRICS_PORT'),
});
export type Env = z.output<typeof envSchema>;

export const env = loadEnv(envSchema);
