import { parentPort } from 'node:worker_threads';
import { parseFile } from './parse-file.ts';
import type { ParseInput } from './parse-many.ts';

/** Parses a share of the files off the main thread (see parse-many.ts). */
parentPort!.once('message', (inputs: ParseInput[]) => {
  parentPort!.postMessage(inputs.map((input) => parseFile(input.text, input.format)));
});
