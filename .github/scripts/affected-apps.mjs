// Which apps to build and deploy, printed as `apps=["api","worker-pdf"]` for $GITHUB_OUTPUT.
//   APPS            "all", or a comma-separated list: deploy those whatever changed (manual runs).
//   TURBO_SCM_BASE  the commit before the push. Unset or unknown (a new branch, a force push): every app.
// An app is affected when Turborepo says so (its package or anything it depends on, the lockfile, the
// global files) or when its own Dockerfile changed; files every image or deploy shares affect them all.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const SHARED_FILES = ['docker/healthcheck.mjs', 'docker/compose.yaml', '.dockerignore'];

const apps = readdirSync('docker')
  .filter((file) => file.endsWith('.Dockerfile'))
  .map((file) => file.slice(0, -'.Dockerfile'.length))
  .sort();

/** Workers first: they must understand a new job shape before the API produces it. */
const rolloutOrder = (names) => [...names].sort((a, b) => Number(a === 'api') - Number(b === 'api') || a.localeCompare(b));

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
  return apps.filter((app) => packages.includes(`apps/${app}`) || changed.includes(`docker/${app}.Dockerfile`));
}

try {
  const chosen = rolloutOrder(process.env.APPS ? requested(process.env.APPS) : affected(process.env.TURBO_SCM_BASE));
  console.error(`apps to deploy: ${chosen.length > 0 ? chosen.join(', ') : 'none'}`);
  console.log(`apps=${JSON.stringify(chosen)}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
