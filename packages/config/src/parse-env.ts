import type { z } from 'zod';

/** A configuration that cannot start the app. The message names every bad variable. */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  override readonly name = 'ConfigError';

  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
  }
}

/**
 * Parses the environment once into a frozen object. Empty strings count as unset,
 * so `FOO=` in an .env file falls back to the default instead of failing on "".
 */
export function parseEnv<S extends z.ZodType<object>>(
  schema: S,
  source: Record<string, string | undefined> = process.env,
): Readonly<z.output<S>> {
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({ variable: issue.path.map(String).join('.') || '(env)', message: issue.message })),
    );
  }
  return Object.freeze(result.data);
}

/** For an app's entry point: a bad configuration prints what is wrong and exits 1. */
export function loadEnv<S extends z.ZodType<object>>(
  schema: S,
  source?: Record<string, string | undefined>,
): Readonly<z.output<S>> {
  try {
    return parseEnv(schema, source);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
