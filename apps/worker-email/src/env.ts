import { healthPortFromManifest, workerEnvShape } from '@nightshift/config';
import { DEVELOPMENT_UNSUBSCRIBE_SECRET } from '@nightshift/email-suppressions';
import { z } from 'zod';

/** The sender of the development outbox, where nothing leaves the machine. */
export const OUTBOX_FROM = 'Nightshift <no-reply@nightshift.localhost>';

const sender = z
  .string()
  .trim()
  .regex(/^(?:[^<>\r\n]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, 'must be an address or "Name <address>"');

export const envSchema = z
  .object({
    ...workerEnvShape,
    /** The app's own default (`nightshift.defaultPort` in its package.json), so all of them run side by side on one machine. */
    METRICS_PORT: healthPortFromManifest(new URL('../package.json', import.meta.url), 'METRICS_PORT'),
    /** Unset in development: messages go to the outbox in storage (`outbox/`) instead of Resend. */
    RESEND_API_KEY: z.string().trim().min(1).optional(),
    /**
     * The Resend SDK also reads this variable by itself; it is parsed here so it is validated and
     * documented, and passed to the SDK explicitly. Tests point it at a local stand-in.
     */
    RESEND_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /** A sender on a domain verified in Resend. */
    EMAIL_FROM: sender.optional(),
    /** At most EMAIL_RATE_MAX sends per EMAIL_RATE_DURATION_MS, across every email worker (Resend's default allowance is low). */
    EMAIL_RATE_MAX: z.coerce.number().int().min(1).max(100_000).default(100),
    EMAIL_RATE_DURATION_MS: z.coerce.number().int().min(1).max(3_600_000).default(1_000),
    /** The brand every email's layout shows: the name in the header (without a logo) and footer. */
    EMAIL_BRAND_NAME: z.string().trim().min(1).max(100).default('Nightshift'),
    /** An http(s) image for the header, about 32 px high. */
    EMAIL_BRAND_LOGO_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /** The company's postal address, in the footer: bulk mail must carry one, so production requires it. */
    EMAIL_BRAND_ADDRESS: z.string().trim().min(1).max(300).optional(),
    /** Links and buttons. */
    EMAIL_BRAND_COLOR: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour as #rrggbb')
      .default('#4f46e5'),
    /** Where a reader can write with a question, shown in the footer. */
    EMAIL_SUPPORT_ADDRESS: z.email({ error: 'must be an email address' }).optional(),
    /** Where people reach the API: the unsubscribe links of bulk email point there. */
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /** Signs the unsubscribe links; the API checks them with the same secret. */
    UNSUBSCRIBE_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  })
  .superRefine((env, context) => {
    if (env.NODE_ENV === 'production' && !env.RESEND_API_KEY) {
      context.addIssue({
        code: 'custom',
        path: ['RESEND_API_KEY'],
        message: 'is required in production: without it emails go to the local outbox and never reach anyone',
      });
    }
    if (env.NODE_ENV === 'production' && !env.EMAIL_BRAND_ADDRESS) {
      context.addIssue({
        code: 'custom',
        path: ['EMAIL_BRAND_ADDRESS'],
        message: "is required in production: bulk mail must carry the sender's postal address",
      });
    }
    if (env.NODE_ENV === 'production' && !env.PUBLIC_BASE_URL) {
      context.addIssue({
        code: 'custom',
        path: ['PUBLIC_BASE_URL'],
        message: "is required in production: the API's address, where the unsubscribe links of bulk email must lead",
      });
    }
    if (env.NODE_ENV === 'production' && !env.UNSUBSCRIBE_LINK_SECRET) {
      context.addIssue({
        code: 'custom',
        path: ['UNSUBSCRIBE_LINK_SECRET'],
        message: "is required in production: the API's UNSUBSCRIBE_LINK_SECRET, which signs the unsubscribe links of bulk email",
      });
    }
    if (env.RESEND_API_KEY && !env.EMAIL_FROM) {
      context.addIssue({
        code: 'custom',
        path: ['EMAIL_FROM'],
        message:
          'is required when RESEND_API_KEY is set: a sender on a domain verified in Resend, e.g. "Acme <no-reply@acme.com>"',
      });
    }
  })
  .transform((env) => ({
    ...env,
    EMAIL_FROM: env.EMAIL_FROM ?? OUTBOX_FROM,
    PUBLIC_BASE_URL: (env.PUBLIC_BASE_URL ?? 'http://localhost:3000').replace(/\/+$/, ''),
    UNSUBSCRIBE_LINK_SECRET: env.UNSUBSCRIBE_LINK_SECRET ?? DEVELOPMENT_UNSUBSCRIBE_SECRET,
  }));

export type Env = z.output<typeof envSchema>;
