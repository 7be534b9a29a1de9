import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlopTypes } from '@turbo/gen';

/** Queue names become Redis keys, folder names and package names: lower-case words joined by dashes. */
const QUEUE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The worker health ports already declared in apps/*∕package.json, so the new app takes the next free one. */
function nextWorkerPort(root: string): number {
  const appsDir = join(root, 'apps');
  const ports = readdirSync(appsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      try {
        const { nightshift } = JSON.parse(readFileSync(join(appsDir, entry.name, 'package.json'), 'utf8')) as {
          nightshift?: { healthPortVariable?: string; defaultPort?: number };
        };
        return nightshift?.healthPortVariable === 'METRICS_PORT' && nightshift.defaultPort ? [nightshift.defaultPort] : [];
      } catch {
        return [];
      }
    });
  return Math.max(9_100, ...ports) + 1;
}

function queueNameProblem(root: string, name: string): string | undefined {
  if (!QUEUE_NAME.test(name)) return `"${name}" is not a queue name: lower-case letters and digits, words joined by "-"`;
  const taken = readFileSync(join(root, 'packages/contracts/src/job-contracts.ts'), 'utf8').includes(`from './${name}.js'`);
  if (taken) return `a contract for the ${name} queue exists already`;
  return undefined;
}

/**
 * `pnpm new:queue <name>`: a job type as the architecture wants one, a contract and a worker.
 * Writes the contract (`packages/contracts/src/<name>.ts`, its test, its entry in the one list of
 * contracts), the worker app (`apps/worker-<name>`, declaring its queue and health port in its
 * package.json) with its tests, and its compose service. Everything else (the image, the deploy,
 * `npm start`, the API's routes and documents, the checks) finds the new queue and app by itself.
 */
export default function generator(plop: PlopTypes.NodePlopAPI): void {
  plop.setGenerator('queue', {
    description: 'A new job type: its contract and its worker app',
    prompts: [
      {
        type: 'input',
        name: 'name',
        message: 'Queue name (lower-case, words joined by "-"), e.g. webhook',
        validate: (input: string) => queueNameProblem(plop.getDestBasePath(), input) ?? true,
      },
    ],
    actions: (answers) => {
      const root = plop.getDestBasePath();
      const name = String(answers?.name ?? '');
      // Prompts are skipped when the name comes from --args, so it is checked here too.
      const problem = queueNameProblem(root, name);
      if (problem) throw new Error(problem);
      const data = { port: nextWorkerPort(root) };
      const templates = 'templates/queue';
      return [
        {
          type: 'add',
          path: '{{ turbo.paths.root }}/packages/contracts/src/{{ name }}.ts',
          templateFile: `${templates}/contract.ts.hbs`,
        },
        {
          type: 'add',
          path: '{{ turbo.paths.root }}/packages/contracts/src/{{ name }}.test.ts',
          templateFile: `${templates}/contract.test.ts.hbs`,
        },
        {
          type: 'modify',
          path: '{{ turbo.paths.root }}/packages/contracts/src/job-contracts.ts',
          pattern: /(\n\/\/ The one list of contracts[^\n]*\n(?:export \* from '[^']+';\n)*)/,
          template: "$1export * from './{{ name }}.js';\n",
        },
        {
          type: 'modify',
          path: '{{ turbo.paths.root }}/packages/contracts/src/job-contracts.ts',
          pattern: /(\nimport type \{ JobContract \} from '\.\/define-contract\.js';\n)/,
          template: "$1import { {{ camelCase name }}Contract } from './{{ name }}.js';\n",
        },
        {
          type: 'modify',
          path: '{{ turbo.paths.root }}/packages/contracts/src/job-contracts.ts',
          pattern: /(\n\} as const satisfies Record<string, JobContract>;)/,
          template: "\n  '{{ name }}': {{ camelCase name }}Contract,$1",
        },
        {
          type: 'addMany',
          destination: '{{ turbo.paths.root }}/apps/worker-{{ name }}',
          base: `${templates}/app`,
          templateFiles: `${templates}/app/**/*`,
          globOptions: { dot: true },
          stripExtensions: ['hbs'],
          data,
        },
        {
          type: 'modify',
          path: '{{ turbo.paths.root }}/docker/compose.yaml',
          pattern: /\nvolumes:\n/,
          templateFile: `${templates}/compose-service.yaml.hbs`,
        },
        () => {
          // Imports and exports sorted and formatted as `pnpm lint` wants them, wherever the name sorts.
          const written = [
            `packages/contracts/src/${name}.ts`,
            `packages/contracts/src/${name}.test.ts`,
            'packages/contracts/src/job-contracts.ts',
          ];
          try {
            execFileSync('pnpm', ['exec', 'biome', 'check', '--write', ...written, `apps/worker-${name}`], {
              cwd: root,
              encoding: 'utf8',
              stdio: 'pipe',
            });
          } catch (error) {
            const { stdout, stderr } = error as { stdout?: string; stderr?: string };
            throw new Error(`biome refused the generated files:\n${stdout ?? ''}${stderr ?? ''}`);
          }
          return `formatted; now run pnpm install, then pnpm typecheck and node scripts/test.mjs apps/worker-${name} packages/contracts`;
        },
      ];
    },
  });
}
