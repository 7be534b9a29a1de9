import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

export type { Browser };

/** Where Debian's and Ubuntu's packages put it; Playwright's own browser downloads are not used. */
const CHROMIUM_NAMES = ['chromium', 'chromium-browser'];

function findChromium(): string {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of CHROMIUM_NAMES) {
      const candidate = join(folder, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not in this folder.
      }
    }
  }
  throw new Error('no chromium on PATH: the browser tests drive the system Chromium (Debian: apt-get install chromium)');
}

/**
 * A headless Chromium from the system's package, driven by playwright-core. Close it after the
 * test. The sandbox is off: CI runs as root in a container, where Chromium's sandbox cannot start.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** `src/` and `dist/` sit at the same depth, so this is the repository's root from either. */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Where a suite's screenshots go, `.data/screenshots/<suite>/<name>.png` (git-ignored), kept after
 * the run for a person to look at. Makes the folder.
 */
export function screenshotPath(suite: string, name: string): string {
  const folder = join(repoRoot, '.data', 'screenshots', suite);
  mkdirSync(folder, { recursive: true });
  return join(folder, `${name}.png`);
}
