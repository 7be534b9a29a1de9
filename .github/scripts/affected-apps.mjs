// Which apps to build and deploy, printed as `apps=["api","worker-pdf"]` for $GITHUB_OUTPUT.
//   APPS            "all", or a comma-separated list: deploy those whatever changed (manual runs).
//   TURBO_SCM_BASE  the commit before the push. Unset or unknown (a new branch, a force push): every app.
// The apps are the folders under apps/, each declared by its package.json (scripts/lib/apps.mjs).
// An app is affected when Turborepo says so (its package or anything it depends on, the lockfile, the
// global files); files every image or deploy shares affect them all.
import { execFileSync } from 'node:child_process';
import { listApps } from '../../scripts/lib/apps.mjs';

const SHARED_FILES = ['docker/Dockerfile', 'docker/healthcheck.mjs', 'docker/compose.yaml', '.dockerignore'];

const declared = listApps();
const apps = declared.map((app) => app.name);
const consumers = new Set(declared.filter((app) => app.queue).map((app) => app.name));

/** Workers first: they must understand a new job shape before a producer (the API) sends it. */
const rolloutOrder = (names) =>
  [...names].sort((a, b) => Number(consumers.has(b)) - Number(consumers.has(a)) || a.localeCompare(b));

function git(...args) {
  return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function isCommit(ref) {
  try {
    git('cat-file', '-e', `${ref}^{commit}`);
    return true;
  } catch {
    return false;
  }
}

function requested(list) {
  if (list.trim() === 'all') return apps;
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !apps.includes(name));
  if (unknown.length > 0) throw new Error(`APPS names unknown apps: ${unknown.join(', ')} (known: ${apps.join(', ')})`);
  return names;
}

function affected(base) {
  if (!base || !isCommit(base)) {
    console.error(`base commit ${base ? `${base} is unknown` : 'not given'}: every app is affected`);
    return apps;
  }
  const listing = execFileSync('turbo', ['ls', '--affected', '--output=json'], {
    encoding: 'utf8',
    env: { ...process.env, TURBO_SCM_BASE: base, TURBO_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const packages = JSON.parse(listing.slice(listing.indexOf('{'))).packages.items.map((item) => item.path);
  const changed = git('diff', '--name-only', base, 'HEAD').split('\n').filter(Boolean);
  if (changed.some((file) => SHARED_FILES.includes(file))) return apps;
  return apps.filter((app) => packages.includes(`apps/${app}`));
}

try {
  const chosen = rolloutOrder(process.env.APPS ? requested(process.env.APPS) : affected(process.env.TURBO_SCM_BASE));
  console.error(`apps to deploy: ${chosen.length > 0 ? chosen.join(', ') : 'none'}`);
  console.log(`apps=${JSON.stringify(chosen)}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
