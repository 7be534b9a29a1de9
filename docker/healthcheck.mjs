// The images' HEALTHCHECK: slim images have no curl, so node itself asks /healthz.
// Usage: node healthcheck.mjs <variable holding the port> <the app's default port>
const [variable, fallback] = process.argv.slice(2);
if (!variable || !fallback) {
  console.error('usage: node healthcheck.mjs <PORT_VARIABLE> <default port>');
  process.exit(2);
}
const port = process.env[variable] || fallback;
const url = `http://127.0.0.1:${port}/healthz`;
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) console.error(`${url} answered ${response.status}`);
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`${url} did not answer: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
