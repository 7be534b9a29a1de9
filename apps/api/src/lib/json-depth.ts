/**
 * How deep a JSON body may nest arrays and objects. No contract comes near it; a webhook's free-form
 * `payload` is the deepest field a body has. Deeper bodies are refused before `JSON.parse`, which
 * spends seconds of the event loop on a few megabytes of `[[[[…`.
 */
export const MAX_JSON_DEPTH = 64;

const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether `text` nests arrays and objects deeper than `maxDepth`, brackets inside strings aside.
 * One pass over the characters, without parsing: malformed JSON is left for the parser to refuse.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === BACKSLASH) index++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) {
      inString = true;
    } else if (char === OPEN_ARRAY || char === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (char === CLOSE_ARRAY || char === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** What a client is told when its body nests too deep. */
export const tooDeepMessage = `the body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep: send flatter JSON`;
