import { healthPortFromManifest, workerEnvShape } from '@nightshift/config';
import { z } from 'zod';

export const envSchema = z.object({
  ...workerEnvShape,
  /** The app's own default (`nightshift.defaultPort` in its package.json), so all of them run side by side on one machine. */
  METRICS_PORT: healthPortFromManifest(new URL('../package.json', import.meta.url), 'METRICS_PORT'),
  /** Heap ceiling of each render thread; unset, V8's default applies. A report that needs more fails alone. */
  RENDER_MEMORY_MB: z.coerce.number().int().min(64).max(65_536).optional(),
});
export type Env = z.output<typeof envSchema>;
