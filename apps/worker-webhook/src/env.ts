import { healthPortFromManifest, workerEnvShape } from '@nightshift/config';
import { endpointSecretSchema } from '@nightshift/jobs';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/** `10.0.0.0/8,::1/128`: CIDR ranges, each checked as it is read. */
const networkList = z
  .string()
  .transform((value, context) => {
    const ranges = value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    for (const range of ranges) {
      if (!ipaddr.isValidCIDR(range))
        context.addIssue({ code: 'custom', message: `"${range}" is not a CIDR range such as 127.0.0.1/32` });
    }
    return ranges;
  })
  .default([]);

export const envSchema = z
  .object({
    ...workerEnvShape,
    /** The app's own default (`nightshift.defaultPort` in its package.json), so all of them run side by side on one machine. */
    METRICS_PORT: healthPortFromManifest(new URL('../package.json', import.meta.url), 'METRICS_PORT'),
    /** Signs deliveries whose job names no endpoint; registered endpoints have their own. */
    WEBHOOK_SIGNING_SECRET: endpointSecretSchema.optional(),
    /** A delivery that has not answered within this long (connecting included) fails and is retried. */
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /** Private, loopback, link-local or unique-local ranges deliveries may go to all the same (none by default). */
    WEBHOOK_ALLOWED_NETWORKS: networkList,
    /** Failed deliveries in a row that disable a registered endpoint, with an alert. */
    WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(10_000).default(10),
    /** Deliveries in flight to one endpoint, across every webhook worker: a slow receiver holds no more workers than this. */
    WEBHOOK_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(2),
    /** The longest `Retry-After` a 429 is waited out for without spending an attempt; longer ones count as a failed attempt. */
    WEBHOOK_RETRY_AFTER_MAX_MS: z.coerce.number().int().min(0).max(86_400_000).default(3_600_000),
  })
  .refine((env) => env.NODE_ENV !== 'production' || env.WEBHOOK_SIGNING_SECRET !== undefined, {
    path: ['WEBHOOK_SIGNING_SECRET'],
    message: 'is required in production: deliveries without an endpoint are signed with it',
  });
export type Env = z.output<typeof envSchema>;
