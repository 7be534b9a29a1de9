import type { AppImage } from './apps.js';

/** Where the build stage deploys the app; the runtime stage copies it from there. */
export const DEPLOY_DIR = '/prod/app';

/** Root files the build needs that `turbo prune` leaves out (it copies workspace packages only). */
export const ROOT_BUILD_FILES = ['tsconfig.base.json'] as const;

/**
 * The commands every app's Dockerfile runs, in order. The Dockerfiles are checked to run
 * exactly these, and the deploy check runs them too, so the two cannot drift apart.
 */
export function imageSteps(app: AppImage) {
  return {
    prune: ['turbo', 'prune', app.packageName, '--docker'],
    install: ['pnpm', 'install', '--frozen-lockfile'],
    build: ['pnpm', 'exec', 'turbo', 'run', 'build', `--filter=${app.packageName}`],
    deploy: ['pnpm', 'deploy', '--prod', `--filter=${app.packageName}`, DEPLOY_DIR],
  } as const;
}

export type ImageStepName = keyof ReturnType<typeof imageSteps>;
