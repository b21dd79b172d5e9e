/** JSON text to a value, or undefined when it is empty or not JSON: callers validate the shape with zod anyway. */
export function parseJsonOrUndefined(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * JSON with every character past ASCII written as a `\u` escape, as the
 * bytes of a file: for the caches read back on every run. Pure ASCII reads
 * back as a one-byte string; one em dash in a 6 MB cache made the whole text
 * two-byte, and its read and parse took a quarter longer. The text is taken
 * apart at those characters only, never rewritten whole.
 */
export function asciiJson(value: unknown): Buffer {
  const json = JSON.stringify(value);
  const parts: Buffer[] = [];
  let from = 0;
  // Without the u flag, a character past U+FFFF is two matches, one per surrogate: JSON's own escape for it.
  for (const { index } of json.matchAll(NOT_ASCII)) {
    parts.push(Buffer.from(json.slice(from, index), 'latin1'), Buffer.from(`\\u${json.charCodeAt(index).toString(16).padStart(4, '0')}`, 'latin1'));
    from = index + 1;
  }
  parts.push(Buffer.from(from === 0 ? json : json.slice(from), 'latin1'));
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

const NOT_ASCII = /[^\0-\x7f]/g;
