/** One `NAME=value` line of an env file and the comment lines right above it. */
export interface EnvEntry {
  name: string;
  value: string;
  comment: string;
  line: number;
}

/**
 * Reads an env file the way Docker Compose's `env_file` does for the forms we use:
 * `NAME=value`, optional matching quotes, `#` comment lines. Anything else is an error naming its line.
 */
export function parseEnvFile(text: string): EnvEntry[] {
  const entries: EnvEntry[] = [];
  let comment: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') {
      comment = [];
      return;
    }
    if (line.startsWith('#')) {
      comment.push(line.replace(/^#\s?/, ''));
      return;
    }
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match?.[1]) throw new Error(`line ${index + 1}: expected NAME=value, got: ${line}`);
    const value = match[2] ?? '';
    const unquoted = /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
    entries.push({ name: match[1], value: unquoted, comment: comment.join(' '), line: index + 1 });
    comment = [];
  });
  return entries;
}
