import { secretShapeOf } from '../check/secrets.ts';

const MAX = 200;

/**
 * Free text from the cluster — a backup's error, a certificate's message —
 * made fit for reports and evidence: one line, URL credentials and query
 * strings dropped, at most 200 characters, and withheld entirely when it
 * still looks like a credential.
 */
export function safeText(text: string): string {
  const line = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, '$1')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#]*)[?#]\S*/gi, '$1');
  const shape = secretShapeOf(line);
  if (shape) return `(withheld: it holds what looks like ${shape})`;
  return line.length > MAX ? `${line.slice(0, MAX - 1)}…` : line;
}
