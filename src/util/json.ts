/** JSON text to a value, or undefined when it is empty or not JSON: callers validate the shape with zod anyway. */
export function parseJsonOrUndefined(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
