import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { queueNames } from '@nightshift/contracts';
import { z } from 'zod';
import { portFromEnv } from './env.js';

/** The variables an app's health port can be read from: the image sets both (docker/Dockerfile). */
export const healthPortVariables = ['PORT', 'METRICS_PORT'] as const;
export type HealthPortVariable = (typeof healthPortVariables)[number];

/**
 * What the rest of the repository needs to know about an app, declared once in the `nightshift`
 * block of its package.json. The image, compose's checks, the deploy workflow, `npm start` and the
 * test suites read it there, so adding an app edits no list of apps.
 */
export const appManifestSchema = z.strictObject({
  /** The queue a worker app consumes; a producer (the API) has none. Workers are deployed before producers. */
  queue: z.enum(queueNames).optional(),
  /** The variable holding the port `/healthz` answers on. */
  healthPortVariable: z.enum(healthPortVariables),
  /** That port when the variable is unset: each app its own, so all of them run side by side on one machine. */
  defaultPort: z.int().min(1).max(65_535),
  /**
   * What production refuses to start without, each with a stand-in value the checks start the app
   * with (deploy-check, the image smoke test, failure-recovery). Stand-ins only, never a real secret.
   */
  requiredInProduction: z.record(
    z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an environment variable name'),
    z.string().min(1, 'needs a stand-in value'),
  ),
});
export type AppManifest = z.output<typeof appManifestSchema>;

/** The package.json of an app fails to declare what the repository needs to know about it. */
export class AppManifestError extends Error {
  readonly code = 'INVALID_APP_MANIFEST';
  override readonly name = 'AppManifestError';
}

/** Reads and checks the `nightshift` block of an app's package.json; the error names the file and each bad field. */
export function readAppManifest(packageJson: URL | string): AppManifest {
  const path = filePath(packageJson);
  const { nightshift } = JSON.parse(readFileSync(path, 'utf8')) as { nightshift?: unknown };
  if (nightshift === undefined) {
    throw new AppManifestError(
      `${path} has no "nightshift" block: every app declares its queue, health port and production needs there`,
    );
  }
  const result = appManifestSchema.safeParse(nightshift);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${['nightshift', ...issue.path.map(String)].join('.')} ${issue.message}`,
    );
    throw new AppManifestError(`${path}: ${problems.join('; ')}`);
  }
  return result.data;
}

/**
 * An app's health port setting for its env schema, defaulting to the port its package.json declares.
 * Refuses a manifest that names another variable, so the HEALTHCHECK asks where the app listens.
 */
export function healthPortFromManifest(packageJson: URL | string, variable: HealthPortVariable) {
  const manifest = readAppManifest(packageJson);
  if (manifest.healthPortVariable !== variable) {
    throw new AppManifestError(
      `${filePath(packageJson)}: nightshift.healthPortVariable is ${manifest.healthPortVariable}, but the app reads its health port from ${variable}`,
    );
  }
  return portFromEnv.default(manifest.defaultPort);
}

const filePath = (file: URL | string) => (file instanceof URL ? fileURLToPath(file) : file);
