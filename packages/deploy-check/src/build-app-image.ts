import { cp, mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { App } from '@nightshift/workspace';
import { imageSteps, ROOT_BUILD_FILES } from './image-steps.js';
import { runCommand } from './run-command.js';

export interface BuildAppImageOptions {
  repoRoot: string;
  app: App;
  /** An empty folder of the caller's: everything the build writes stays under it. */
  workDir: string;
  /** Edits the pruned workspace before the install, to model another state of the repository. */
  afterPrune?: (outDir: string) => Promise<void>;
  /**
   * A turbo cache shared by several checks: the packages every app depends on are then compiled once,
   * as a remote cache would serve them to image builds. Hits are keyed by the hash of their inputs.
   */
  turboCacheDir?: string;
}

export interface BuiltAppImage {
  /** The folder the runtime stage copies to `/app`. */
  appDir: string;
  /** Milliseconds per step. */
  timings: Record<string, number>;
}

/**
 * The Dockerfile's build stages outside Docker: prune, frozen install of the manifests alone,
 * sources, build, production deploy. Only the deployed folder is kept, as in the image.
 * Additions that change nothing the image gets: `--out-dir` (the prune must not write into the
 * repository), `--prefer-offline` (the install reuses the local store) and an optional `--cache-dir`.
 */
export async function buildAppImage({
  repoRoot,
  app,
  workDir,
  afterPrune,
  turboCacheDir,
}: BuildAppImageOptions): Promise<BuiltAppImage> {
  const steps = imageSteps(app);
  const env = commandEnv(repoRoot);
  const timings: Record<string, number> = {};
  const run = async (step: string, command: readonly string[], cwd: string) => {
    const started = performance.now();
    await runCommand(command, { app: app.name, step, cwd, env });
    timings[step] = Math.round(performance.now() - started);
  };

  const out = join(workDir, 'out');
  await run('prune', [...steps.prune, '--out-dir', out], repoRoot);
  await afterPrune?.(out);

  const build = join(workDir, 'build');
  await cp(join(out, 'json'), build, { recursive: true });
  await run('install', [...steps.install, '--prefer-offline'], build);
  await cp(join(out, 'full'), build, { recursive: true });
  for (const file of ROOT_BUILD_FILES) await cp(join(repoRoot, file), join(build, file));
  await run('build', turboCacheDir ? [...steps.build, `--cache-dir=${turboCacheDir}`] : steps.build, build);
  const deployed = join(workDir, 'deployed');
  await run('deploy', [...steps.deploy.slice(0, -1), deployed], build);

  // The runtime stage gets the deployed folder alone: moving the build tree away breaks anything that still points into it.
  await rename(build, join(workDir, 'build-discarded'));
  const appDir = join(workDir, 'image', 'app');
  await mkdir(dirname(appDir), { recursive: true });
  await rename(deployed, appDir);
  return { appDir, timings };
}

/** The machine's environment without what a surrounding pnpm script injects, with the repository's turbo on PATH. */
function commandEnv(repoRoot: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(npm_|PNPM_SCRIPT|NODE_OPTIONS$)/i.test(name)),
  );
  return {
    ...env,
    PATH: `${join(repoRoot, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
    TURBO_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
    TURBO_UI: 'false',
  };
}
