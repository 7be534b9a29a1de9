import { chmod, chown, copyFile, link, mkdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '@nightshift/test-support';
import { type AppExit, AppProcess } from './app-process.js';
import { type BuildAppImageOptions, buildAppImage } from './build-app-image.js';
import { parseEnvFile } from './env-file.js';
import { readImageSpec } from './image-spec.js';
import { execCommand } from './run-command.js';
import { unresolvedImports } from './unresolved-imports.js';

export interface CheckAppImageOptions extends BuildAppImageOptions {
  redisUrl: string;
  queuePrefix: string;
}

export interface AppImageCheck {
  /** What `/healthz` answered once the app was up. */
  healthStatus: number;
  /** The exit code of the Dockerfile's HEALTHCHECK command, run against the app. */
  healthcheckExit: number | null;
  /** Bare imports in the deployed dist that do not resolve from the deployed folder. */
  unresolvedImports: string[];
  /** How the app ended after SIGTERM. */
  exit: AppExit;
  timings: Record<string, number>;
  output: string;
}

/** The uid/gid `nobody`: the image runs as non-root, so the check does too where it can choose. */
const NOBODY = { uid: 65_534, gid: 65_534 };

/**
 * Builds the app's image folder, then runs it as its Dockerfile says: the CMD in the deployed folder,
 * the image's ENV overlaid with `.env.example` (as compose's `env_file` does), nothing else inherited.
 */
export async function checkAppImage(options: CheckAppImageOptions): Promise<AppImageCheck> {
  const { repoRoot, app, workDir } = options;
  const spec = await readImageSpec(repoRoot, app);
  const { appDir, timings } = await buildAppImage(options);
  const image = await completeImage({ repoRoot, imageRoot: dirname(appDir), contextCopies: spec.contextCopies });

  const user = process.getuid?.() === 0 ? NOBODY : undefined;
  const storage = join(workDir, 'storage');
  const home = join(workDir, 'home');
  for (const dir of [storage, home]) {
    await mkdir(dir, { recursive: true });
    if (user) await chown(dir, user.uid, user.gid);
  }
  await chmod(workDir, 0o755);

  const port = await freePort();
  const example = parseEnvFile(await readFile(join(repoRoot, '.env.example'), 'utf8'));
  const env: Record<string, string> = {
    PATH: `${image.binDir}:/usr/local/bin:/usr/bin:/bin`,
    HOME: home,
    ...spec.env,
    ...Object.fromEntries(example.filter((entry) => entry.value !== '').map((entry) => [entry.name, entry.value])),
    ...app.requiredInProduction,
    REDIS_URL: options.redisUrl,
    // The shared test Redis persists nothing; the gate itself is tested in packages/jobs.
    REDIS_ALLOW_NO_PERSISTENCE: 'true',
    QUEUE_PREFIX: options.queuePrefix,
    // A folder of its own rather than .env.example's bucket, which only compose's network has.
    STORAGE_URL: pathToFileURL(storage).href,
    HOST: '127.0.0.1',
    [app.healthPortVariable]: String(port),
  };

  const unresolved = await unresolvedImports(app.name, appDir, env);
  const started = performance.now();
  const running = AppProcess.start({ app: app.name, command: spec.cmd, cwd: appDir, env, user });
  try {
    const healthStatus = await running.waitHealthy(`http://127.0.0.1:${port}/healthz`);
    timings.start = Math.round(performance.now() - started);
    // The HEALTHCHECK names files in the image (its script, the app's package.json): the image folder holds them at the same paths.
    const healthcheck = spec.healthcheck.map((arg) => (isAbsolute(arg) ? join(image.root, arg) : arg));
    const { code: healthcheckExit } = await execCommand(healthcheck, {
      app: app.name,
      step: 'healthcheck',
      cwd: appDir,
      env,
      user,
    });
    const stopping = performance.now();
    const exit = await running.stop();
    timings.stop = Math.round(performance.now() - stopping);
    return { healthStatus, healthcheckExit, unresolvedImports: unresolved, exit, timings, output: running.output };
  } finally {
    await running.stop().catch(() => undefined);
  }
}

/**
 * What the runtime stage has besides the app: the files it copies from the build context, at their
 * paths under the image folder, and a `node` of its own, as the base image has one. Nothing then runs
 * from the repository or the machine's Node.js folder, which the non-root user may not be able to
 * enter (a clone under root's home or a private temporary folder).
 */
async function completeImage({
  repoRoot,
  imageRoot,
  contextCopies,
}: {
  repoRoot: string;
  imageRoot: string;
  contextCopies: Map<string, string>;
}): Promise<{ root: string; binDir: string }> {
  for (const [destination, source] of contextCopies) {
    const target = join(imageRoot, destination);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(repoRoot, source), target);
  }
  const binDir = join(imageRoot, 'usr', 'local', 'bin');
  await mkdir(binDir, { recursive: true });
  // A hard link costs nothing on the same file system; across file systems, a copy.
  await link(process.execPath, join(binDir, 'node')).catch(() => copyFile(process.execPath, join(binDir, 'node')));
  return { root: imageRoot, binDir };
}
