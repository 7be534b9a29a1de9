import { loadEnv, workerEnvShape } from '@nightshift/config';
import { z } from 'zod';

export const envSchema = z.object({
  ...workerEnvShape,
});
export type Env = z.output<typeof envSchema>;

export const env = loadEnv(envSchema);
