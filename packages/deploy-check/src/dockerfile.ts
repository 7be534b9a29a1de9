/** One instruction of a Dockerfile, with the build stage it belongs to. */
export interface Instruction {
  keyword: string;
  args: string;
  /** The `AS` name of the stage, or its index when it has none. */
  stage: string;
  line: number;
}

/**
 * Reads the instructions of a Dockerfile as a build given these `--build-arg`s sees them: joins `\`
 * continuations, drops comments and blank lines, and replaces `$NAME`, `${NAME}` and `${NAME:?message}`
 * of the ARGs in scope (global ARGs in FROM lines, a stage's declared ARGs after their declaration).
 * `${NAME:?message}` with NAME empty fails with the message, as the build would.
 */
export function parseDockerfile(text: string, buildArgs: Record<string, string> = {}): Instruction[] {
  const instructions: Instruction[] = [];
  const globalArgs = new Map<string, string>();
  let stageArgs: Map<string, string> | undefined;
  let stage = '';
  let stages = 0;
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (!pending) startLine = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      return;
    }
    const joined = (pending + line).trim();
    pending = '';
    const match = /^(\S+)\s*(.*)$/.exec(joined);
    if (!match?.[1]) return;
    const keyword = match[1].toUpperCase();
    const scope = keyword === 'FROM' || !stageArgs ? globalArgs : stageArgs;
    const args = expandArgs(match[2] ?? '', scope, startLine);
    if (keyword === 'ARG') declareArg(args, scope, buildArgs, globalArgs);
    if (keyword === 'FROM') {
      stage = /\sAS\s+(\S+)$/i.exec(args)?.[1] ?? String(stages);
      stages += 1;
      stageArgs = new Map();
    }
    instructions.push({ keyword, args, stage, line: startLine });
  });
  return instructions;
}

/** `ARG NAME` or `ARG NAME=default`: the build argument wins, then the default, then a global ARG of that name. */
function declareArg(
  args: string,
  scope: Map<string, string>,
  buildArgs: Record<string, string>,
  globalArgs: Map<string, string>,
) {
  const [, name = '', fallback] = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(args) ?? [];
  if (!name) throw new Error(`ARG must be NAME or NAME=default, got: ${args}`);
  scope.set(name, buildArgs[name] ?? fallback ?? globalArgs.get(name) ?? '');
}

function expandArgs(args: string, scope: Map<string, string>, line: number): string {
  return args.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::\?([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced: string | undefined, message: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? '';
      const value = scope.get(name);
      if (value === undefined) return whole;
      if (message !== undefined && value === '') throw new Error(`line ${line}: ${name}: ${message}`);
      return value;
    },
  );
}

/** The instructions of the last stage: what the image is. */
export function finalStage(instructions: Instruction[]): Instruction[] {
  const last = instructions.at(-1)?.stage;
  return instructions.filter((instruction) => instruction.stage === last);
}

/** The JSON-array ("exec") form of CMD, ENTRYPOINT or HEALTHCHECK ... CMD; the shell form is refused. */
export function execForm(args: string, what: string): string[] {
  const json = args.slice(args.indexOf('['));
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(`${what} must use the exec form ["cmd", "arg"] so signals reach the process, got: ${args}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    throw new Error(`${what} must be a JSON array of strings, got: ${args}`);
  }
  return parsed;
}

/** `ENV A=1 B="two words"` as pairs; the legacy `ENV A 1` form is refused. */
export function envPairs(args: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
    const [, name = '', value = ''] = match;
    pairs.push([name, value.startsWith('"') ? value.slice(1, -1) : value]);
  }
  if (pairs.length === 0) throw new Error(`ENV must use the KEY=value form, got: ${args}`);
  return pairs;
}
