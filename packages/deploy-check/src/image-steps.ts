import type { App } from '@nightshift/workspace';

/** Where the build stage deploys the app; the runtime stage copies it from there. */
export const DEPLOY_DIR = '/prod/app';

/** Root files the build needs that `turbo prune` leaves out (it copies workspace packages only). */
export const ROOT_BUILD_FILES = ['tsconfig.base.json'] as const;

/**
 * The commands the Dockerfile runs for an app, in order. The Dockerfile is checked to run exactly
 * these for every app, and the deploy check runs them too, so the two cannot drift apart.
 */
export function imageSteps(app: Pick<App, 'packageName'>) {
  return {
    prune: ['turbo', 'prune', app.packageName, '--docker'],
    install: ['pnpm', 'install', '--frozen-lockfile'],
    build: ['pnpm', 'exec', 'turbo', 'run', 'build', `--filter=${app.packageName}`],
    deploy: ['pnpm', 'deploy', '--prod', `--filter=${app.packageName}`, DEPLOY_DIR],
  } as const;
}

export type ImageStepName = keyof ReturnType<typeof imageSteps>;
