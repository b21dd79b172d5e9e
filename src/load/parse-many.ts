import type { FileFormat } from '../model/kinds.ts';
import type { ParseCache } from './parse-cache.ts';
import { parseFile, type ParsedFile, type Parser } from './parse-file.ts';

export type { ParseCache } from './parse-cache.ts';

export interface ParseInput {
  text: string;
  format: FileFormat;
  /** The key of its content (parse-cache.ts `parseKey`), when there is a cache to ask. */
  key?: string;
}

/** Parses many files, reusing cached results for content seen before; the `full` parser, the reference, reads every file afresh. */
export function parseMany(inputs: readonly ParseInput[], cache: ParseCache | undefined, parser: Parser = 'fast'): ParsedFile[] {
  if (parser === 'full') return inputs.map((input) => parseFile(input.text, input.format, parser));
  return inputs.map(({ text, format, key }) => {
    const hit = key === undefined ? undefined : cache?.get(key);
    if (hit) return hit;
    const parsed = parseFile(text, format, parser);
    if (key !== undefined) cache?.set(key, parsed);
    return parsed;
  });
}
