import { isIP } from 'node:net';
import { booleanFromEnv, commonEnvShape, healthPortFromManifest } from '@nightshift/config';
import { isQueueName, type QueueName, queueNames } from '@nightshift/contracts';
import { DEVELOPMENT_UNSUBSCRIBE_SECRET } from '@nightshift/email-suppressions';
import { z } from 'zod';

const commaList = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

/**
 * One limit per queue: `default` or `default,queue=value,...` (e.g. `100000,pdf=5000`). Queues not
 * named take the first bare value, else `fallback`.
 */
const perQueue = (value: z.ZodType<number>, fallback: number) =>
  z
    .string()
    .default('')
    .transform((text, ctx): Record<QueueName, number> => {
      let everyQueue = fallback;
      const named: Partial<Record<QueueName, number>> = {};
      for (const entry of text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)) {
        const [queue, raw] = entry.includes('=') ? entry.split('=', 2).map((part) => part.trim()) : [undefined, entry];
        const parsed = value.safeParse(raw);
        if (queue !== undefined && !isQueueName(queue)) {
          ctx.addIssue({ code: 'custom', message: `"${entry}" names no queue: the queues are ${queueNames.join(', ')}` });
        } else if (!parsed.success) {
          ctx.addIssue({ code: 'custom', message: `"${entry}": ${parsed.error.issues[0]?.message ?? 'invalid'}` });
        } else if (queue === undefined) everyQueue = parsed.data;
        else named[queue] = parsed.data;
      }
      return Object.fromEntries(queueNames.map((queue) => [queue, named[queue] ?? everyQueue])) as Record<QueueName, number>;
    });

const isIpOrRange = (address: string) => {
  const [ip = '', bits, ...rest] = address.split('/');
  return isIP(ip) !== 0 && rest.length === 0 && (bits === undefined || /^\d{1,3}$/.test(bits));
};
// The names proxy-addr (Fastify's trustProxy) gives to address ranges.
const proxyRanges = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * `TRUST_PROXY`, as Fastify's `trustProxy` takes it: off (the default: the client is the socket's
 * peer), `true` (every hop), or the proxies' addresses and CIDR ranges. Not a number of hops:
 * Fastify no longer trusts one, as it cannot tell a proxy from a client that wrote the header.
 */
const trustProxy = z
  .string()
  .trim()
  .default('false')
  .transform((value, ctx): boolean | string[] => {
    if (value === 'false' || value === '') return false;
    if (value === 'true') return true;
    const addresses = value.split(',').map((item) => item.trim());
    const bad = addresses.find((address) => !proxyRanges.includes(address) && !isIpOrRange(address));
    if (bad === undefined) return addresses;
    ctx.addIssue({
      code: 'custom',
      message: `must be false, true, or comma-separated addresses and CIDR ranges (or ${proxyRanges.join(', ')}); "${bad}" is none of these`,
    });
    return z.NEVER;
  });
/** Passwords that ship in examples and tutorials: the first ones a guesser tries. */
const knownDefaultPasswords = ['password', 'changeme', 'admin', 'secret', 'nightshift', 'letmein', '123456', 'qwerty'];
export const MIN_ADMIN_PASSWORD_LENGTH = 16;

/** Why a dashboard password is too weak for production, or undefined. */
export function adminPasswordWeakness(password: string, user: string | undefined): string | undefined {
  if (password.length < MIN_ADMIN_PASSWORD_LENGTH) return `must be at least ${MIN_ADMIN_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  const known = knownDefaultPasswords.find((word) => lower.includes(word));
  if (known) return `must not contain a well-known default such as "${known}"`;
  // A user name of a letter or two is in most passwords; a longer one is the guesser's first try.
  if (user && user.length > 3 && lower.includes(user.toLowerCase())) return 'must not contain ADMIN_USER';
  if (new Set(password).size < 6) return 'must not repeat a few characters: use a random one (openssl rand -base64 24)';
  return undefined;
}

const bytes = (max: number) => z.coerce.number().int().min(1).max(max);
const MiB = 1024 * 1024;

export const envSchema = z
  .object({
    ...commonEnvShape,
    /** The app's own default (`nightshift.defaultPort` in its package.json), where the image's health check also looks. */
    PORT: healthPortFromManifest(new URL('../package.json', import.meta.url), 'PORT'),
    HOST: z.string().min(1).default('127.0.0.1'),
    /** Comma-separated, so a new token can be added before the old one is removed. */
    API_TOKENS: commaList.default([]),
    ADMIN_USER: z.string().min(1).optional(),
    ADMIN_PASSWORD: z.string().min(1).optional(),
    /** Where clients reach this API; download links in emails are built from it. Required in production; elsewhere defaults to http://localhost:PORT. */
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /** Signs the download links sent by email, so a recipient needs no API token. Random per process when unset (development). */
    FILE_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /**
     * Resend's bounce and complaint events arrive at POST /v1/webhooks/resend, verified with this
     * secret (the webhook's signing secret in Resend's dashboard, `whsec_…`). On unless turned off.
     */
    RESEND_WEBHOOK_ENABLED: booleanFromEnv.default(true),
    RESEND_WEBHOOK_SECRET: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be the signing secret Resend shows for the webhook: "whsec_" and base64')
      .optional(),
    /** Signs the unsubscribe links of bulk email; the email worker must have the same. A fixed development value when unset. */
    UNSUBSCRIBE_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** JSON request bodies; uploads and reports have their own limits. */
    BODY_LIMIT_BYTES: bytes(64 * MiB).default(256 * 1024),
    IMAGE_MAX_BYTES: bytes(512 * MiB).default(20 * MiB),
    REPORT_MAX_BYTES: bytes(512 * MiB).default(10 * MiB),
    /** Requests per token (per IP without a valid token) per window, counted in Redis: one budget across every API instance. */
    RATE_LIMIT_MAX: z.coerce.number().int().min(1).max(1_000_000).default(600),
    RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
    /** Admission control, per queue: jobs waiting to run (waiting, prioritized, delayed) past which enqueues answer 429. */
    ADMISSION_MAX_WAITING: perQueue(z.coerce.number().int().min(1).max(1_000_000_000), 100_000),
    /** Admission control, per queue: share of Redis's maxmemory past which enqueues answer 429; 1 leaves it to Redis (503 when full). */
    ADMISSION_MAX_MEMORY_SHARE: perQueue(z.coerce.number().gt(0).max(1), 0.8),
    /** A request's body (an upload included) must have arrived this long after its headers, or its connection is closed. */
    REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(120_000),
    /** A request's headers must have arrived this long after its connection opened (or its previous request ended), or it is answered 408. */
    HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).default(60_000),
    /** A connection that sends or takes nothing for this long during a request (a stalled upload) is closed. */
    CONNECTION_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    /** Per queue: seconds a completed job stays readable (BullMQ's removeOnComplete.age). */
    COMPLETED_JOBS_KEEP_SECONDS: perQueue(z.coerce.number().int().min(1).max(31_536_000), 60 * 60),
    /** Per queue: at most this many completed jobs are kept, the oldest removed first (removeOnComplete.count). */
    COMPLETED_JOBS_KEEP_COUNT: perQueue(z.coerce.number().int().min(1).max(10_000_000), 10_000),

    /** Failed dashboard logins per client IP per window, counted in Redis across instances; then 429 until the window ends. */
    ADMIN_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1_000).default(10),
    ADMIN_LOGIN_WINDOW_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(900_000),
    /** Whose address is the client's: behind a load balancer, the one it appends to X-Forwarded-For (see `trustProxy`). */
    TRUST_PROXY: trustProxy,
    /** How long in-flight requests may take to finish after SIGTERM before the process exits anyway. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    const required = (path: string) => ctx.addIssue({ code: 'custom', path: [path], message: 'is required in production' });
    if (env.API_TOKENS.length === 0) required('API_TOKENS');
    if (!env.ADMIN_USER) required('ADMIN_USER');
    if (!env.ADMIN_PASSWORD) required('ADMIN_PASSWORD');
    else {
      const weakness = adminPasswordWeakness(env.ADMIN_PASSWORD, env.ADMIN_USER);
      if (weakness) ctx.addIssue({ code: 'custom', path: ['ADMIN_PASSWORD'], message: `${weakness} in production` });
    }
    if (!env.FILE_LINK_SECRET) required('FILE_LINK_SECRET');
    // Its fallback, localhost, would put links in emails that lead nowhere.
    if (!env.PUBLIC_BASE_URL) required('PUBLIC_BASE_URL');
    if (!env.UNSUBSCRIBE_LINK_SECRET) required('UNSUBSCRIBE_LINK_SECRET');
    if (env.RESEND_WEBHOOK_ENABLED && !env.RESEND_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['RESEND_WEBHOOK_SECRET'],
        message:
          "is required in production while RESEND_WEBHOOK_ENABLED is true: the webhook's signing secret from Resend's dashboard",
      });
    }
  })
  .transform((env) => ({
    ...env,
    PUBLIC_BASE_URL: (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    UNSUBSCRIBE_LINK_SECRET: env.UNSUBSCRIBE_LINK_SECRET ?? DEVELOPMENT_UNSUBSCRIBE_SECRET,
  }));
export type Env = z.output<typeof envSchema>;
