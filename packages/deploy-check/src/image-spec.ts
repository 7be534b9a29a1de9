import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { App } from '@nightshift/workspace';
import { envPairs, execForm, finalStage, type Instruction, parseDockerfile } from './dockerfile.js';

/** What the Dockerfile, built for one app, says its running container is. */
export interface ImageSpec {
  dockerfile: string;
  instructions: Instruction[];
  entrypoint: string[];
  cmd: string[];
  /** The HEALTHCHECK's command, after `CMD`. */
  healthcheck: string[];
  env: Record<string, string>;
  user: string | undefined;
  workdir: string | undefined;
  /** Files the runtime stage copies from the build context: path in the image → path in the repository. */
  contextCopies: Map<string, string>;
}

/** The one Dockerfile of every app. */
export function dockerfilePath(repoRoot: string): string {
  return join(repoRoot, 'docker', 'Dockerfile');
}

/** The Dockerfile as `docker build --build-arg APP=<app>` reads it. */
export async function readImageSpec(repoRoot: string, app: Pick<App, 'name'>): Promise<ImageSpec> {
  const dockerfile = dockerfilePath(repoRoot);
  const instructions = parseDockerfile(await readFile(dockerfile, 'utf8'), { APP: app.name });
  const runtime = finalStage(instructions);
  const last = (keyword: string) => runtime.findLast((instruction) => instruction.keyword === keyword);
  const required = (keyword: string) => {
    const found = last(keyword);
    if (!found) throw new Error(`${dockerfile}: the runtime stage has no ${keyword}`);
    return found;
  };

  const healthcheck = required('HEALTHCHECK').args;
  const cmdAt = healthcheck.search(/\bCMD\s+\[/);
  if (cmdAt < 0) throw new Error(`${dockerfile}: HEALTHCHECK must be "HEALTHCHECK [options] CMD [...]", got: ${healthcheck}`);

  const contextCopies = new Map<string, string>();
  for (const { args } of runtime.filter((instruction) => instruction.keyword === 'COPY')) {
    const parts = args.split(/\s+/);
    if (parts.some((part) => part.startsWith('--from='))) continue;
    const [source, destination] = parts.filter((part) => !part.startsWith('--'));
    if (source && destination) contextCopies.set(destination, source);
  }

  return {
    dockerfile,
    instructions,
    entrypoint: execForm(required('ENTRYPOINT').args, 'ENTRYPOINT'),
    cmd: execForm(required('CMD').args, 'CMD'),
    healthcheck: execForm(healthcheck.slice(cmdAt), 'HEALTHCHECK CMD'),
    env: Object.fromEntries(runtime.filter((instruction) => instruction.keyword === 'ENV').flatMap(({ args }) => envPairs(args))),
    user: last('USER')?.args,
    workdir: last('WORKDIR')?.args,
    contextCopies,
  };
}
