import type { FileFormat } from '../model/kinds.ts';
import type { ParseCache } from './parse-cache.ts';
import { parseFile, type ParsedFile, type Parser } from './parse-file.ts';

export type { ParseCache } from './parse-cache.ts';

export interface ParseInput {
  text: string;
  format: FileFormat;
  /** The content key (parse-cache.ts `contentKey`). */
  key: string;
}

/** Parses many files, reusing cached results for content seen before; the `full` parser, the reference, reads every file afresh. */
export function parseMany(inputs: readonly ParseInput[], cache: ParseCache | undefined, parser: Parser = 'fast'): ParsedFile[] {
  if (parser === 'full') return inputs.map((input) => parseFile(input.text, input.format, parser));
  return inputs.map((input) => {
    const hit = cache?.get(input.key);
    if (hit) return hit;
    const parsed = parseFile(input.text, input.format, parser);
    cache?.set(input.key, parsed);
    return parsed;
  });
}
