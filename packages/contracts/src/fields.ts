import { z } from 'zod';

/** Identifiers that end up in Redis keys and file names: no path separators, no surprises. */
export const resourceId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1 to 128 characters of letters, digits, "_" or "-"');

export const boundedText = (max: number) => z.string().trim().min(1).max(max);

/** C0 controls and DEL: CR and LF end a mail header and start the next one; NUL cuts it short. */
const isControlCharacter = (character: string) => {
  const code = character.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
};

/** The text with each control character replaced by a space. */
export function replaceControlCharacters(text: string): string {
  return Array.from(text, (character) => (isControlCharacter(character) ? ' ' : character)).join('');
}

/**
 * Text that becomes a header (an email's subject, directly or through a template's default
 * subject): no control characters, so a value cannot add headers of its own. The pattern says
 * the same in the JSON Schema.
 */
export const headerText = (max: number) =>
  boundedText(max)
    .refine(
      (text) => !Array.from(text).some(isControlCharacter),
      'must not contain control characters (line breaks, NUL): it becomes an email header',
    )
    .meta({ pattern: '^[^\\u0000-\\u001F\\u007F]*$' });

const USER_INFO = /^[a-z]+:\/\/[^/?#]*@/i;

/**
 * An http(s) link without user info: `https://bank.example.com@evil.example/` shows one host and
 * opens another. The pattern repeats both checks in the JSON Schema, where `format: uri` alone
 * would admit any scheme and any authority.
 */
export const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048)
  .refine((url) => !USER_INFO.test(url), 'must not contain user info (a "name@" before the host)')
  .meta({ pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^/?#@]*(?:[/?#]|$)' });
