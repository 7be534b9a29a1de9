// The images' HEALTHCHECK: slim images have no curl, so node itself asks /healthz, on the port the
// app listens on: the variable its package.json names (nightshift.healthPortVariable), else the
// default it declares there (nightshift.defaultPort), as the app itself does.
// Usage: node healthcheck.mjs <the app's package.json>
import { readFileSync } from 'node:fs';

const [packageJson] = process.argv.slice(2);
if (!packageJson) {
  console.error('usage: node healthcheck.mjs <the app’s package.json>');
  process.exit(2);
}
let manifest;
try {
  manifest = JSON.parse(readFileSync(packageJson, 'utf8')).nightshift;
} catch (error) {
  console.error(`${packageJson}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
if (!manifest?.healthPortVariable || !manifest.defaultPort) {
  console.error(`${packageJson} declares no nightshift.healthPortVariable and nightshift.defaultPort`);
  process.exit(2);
}
const port = process.env[manifest.healthPortVariable] || manifest.defaultPort;
const url = `http://127.0.0.1:${port}/healthz`;
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) console.error(`${url} answered ${response.status}`);
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`${url} did not answer: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
