import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
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

/** Below this many files a worker costs more to start than it saves. */
const PARALLEL_THRESHOLD = 400;

/**
 * Parses many files, reusing cached results for content seen before. YAML
 * parsing dominates large runs, so the misses are spread over the cores.
 */
export async function parseMany(inputs: readonly ParseInput[], cache?: ParseCache): Promise<ParsedFile[]> {
  const results = inputs.map((input) => cache?.get(input));
  const misses = results.flatMap((r, i) => (r ? [] : [i]));
  const parsed = await parseInParallel(misses.map((i) => inputs[i]!));
  misses.forEach((index, k) => {
    results[index] = parsed[k]!;
    cache?.set(inputs[index]!, parsed[k]!);
  });
  await cache?.save();
  return results as ParsedFile[];
}

// When this module is bundled (the site build), the worker file is not beside it: parse in-thread.
const WORKER = new URL('./parse-worker.ts', import.meta.url);
const workerAvailable = WORKER.protocol === 'file:' && existsSync(WORKER);

async function parseInParallel(inputs: readonly ParseInput[]): Promise<ParsedFile[]> {
  const shares = inputs.length < PARALLEL_THRESHOLD || !workerAvailable ? 1 : Math.min(availableParallelism(), 8);
  if (shares === 1) return inputs.map((i) => parseFile(i.text, i.format));
  const size = Math.ceil(inputs.length / shares);
  const chunks = Array.from({ length: shares }, (_, k) => inputs.slice(k * size, (k + 1) * size));
  // The main thread parses the first share itself while workers take the rest.
  const remote = chunks.slice(1).map(parseInWorker);
  const local = chunks[0]!.map((i) => parseFile(i.text, i.format));
  return [local, ...(await Promise.all(remote))].flat();
}

function parseInWorker(inputs: ParseInput[]): Promise<ParsedFile[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER);
    worker.once('message', (parsed: ParsedFile[]) => {
      resolve(parsed);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.postMessage(inputs);
  });
}
