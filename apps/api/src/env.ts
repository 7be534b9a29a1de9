import { commonEnvShape, portFromEnv } from '@nightshift/config';
import { z } from 'zod';

const commaList = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

export const envSchema = z
  .object({
    ...commonEnvShape,
    PORT: portFromEnv.default(3_000),
    HOST: z.string().min(1).default('127.0.0.1'),
    /** Comma-separated, so a new token can be added before the old one is removed. */
    API_TOKENS: commaList.default([]),
    ADMIN_USER: z.string().min(1).optional(),
    ADMIN_PASSWORD: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    if (env.API_TOKENS.length === 0) ctx.addIssue({ code: 'custom', path: ['API_TOKENS'], message: 'is required in production' });
    if (!env.ADMIN_USER) ctx.addIssue({ code: 'custom', path: ['ADMIN_USER'], message: 'is required in production' });
    if (!env.ADMIN_PASSWORD) ctx.addIssue({ code: 'custom', path: ['ADMIN_PASSWORD'], message: 'is required in production' });
  });
export type Env = z.output<typeof envSchema>;
