import { healthPortFromManifest, workerEnvShape } from '@nightshift/config';
import { z } from 'zod';

export const envSchema = z.object({
  ...workerEnvShape,
  /** The app's own default (`nightshift.defaultPort` in its package.json), so all of them run side by side on one machine. */
  METRICS_PORT: healthPortFromManifest(new URL('../package.json', import.meta.url), 'METRICS_PORT'),
  /** Inputs with more pixels are refused from their header; no step may produce more either. */
  IMAGE_MAX_INPUT_PIXELS: z.coerce.number().int().min(1).max(268_402_689).default(50_000_000),
  /** libvips threads per image (`sharp.concurrency`); see the README for why 1 on 2 cores. */
  SHARP_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
});
export type Env = z.output<typeof envSchema>;
