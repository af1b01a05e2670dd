/**
 * Characters that must not reach a terminal or a header as they are: C0
 * controls (ESC starts terminal escape sequences), DEL, C1 controls, the
 * Unicode line and paragraph separators (JavaScript and JSON treat them as
 * line breaks) and the bidi embeddings, overrides and isolates, which make
 * text display in another order than it is stored. Left and right marks
 * (U+200E, U+200F) stay: Arabic and Hebrew headlines need them.
 */
export const controlCharacter = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/**
 * The same, less tab and the line breaks (LF, and CR, which YAML also reads
 * as a line break), which a YAML value may hold; headers collapse line breaks.
 */
export const controlCharacterInText = /(?![\t\n\r])[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

const controlCharacters = new RegExp(controlCharacter.source, 'gu');

/** `U+001B` for a character, as messages name one. */
export function codePointName(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Text from a file made safe to print inside a message: every control
 * character becomes its `U+XXXX` name, so a CSV header or a YAML key cannot
 * move the cursor, recolour a CI log or forge a line of output.
 */
export function printable(text: string): string {
  return text.replace(controlCharacters, codePointName);
}
