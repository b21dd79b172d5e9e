import type { FileFormat } from '../model/kinds.ts';
import { parseFile, type ParsedFile } from './parse-file.ts';

export interface ParseInput {
  text: string;
  format: FileFormat;
}

/** Parse results kept by content hash between runs (see parse-cache.ts). */
export interface ParseCache {
  get(input: ParseInput): ParsedFile | undefined;
  set(input: ParseInput, parsed: ParsedFile): void;
  save(): Promise<void>;
}

/** Parses many files, reusing cached results for content seen before. */
export async function parseMany(inputs: readonly ParseInput[], cache?: ParseCache): Promise<ParsedFile[]> {
  const results = inputs.map((input) => cache?.get(input));
  inputs.forEach((input, i) => {
    if (results[i]) return;
    const parsed = parseFile(input.text, input.format);
    results[i] = parsed;
    cache?.set(input, parsed);
  });
  await cache?.save();
  return results as ParsedFile[];
}
