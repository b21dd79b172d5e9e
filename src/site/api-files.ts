import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { InventoryGraph } from '../graph/graph.ts';
import { gatesDocument, inventoryDocument, recordDocument } from './api.ts';
import { stampWith, takeOver, type Stamped } from './stamped-dir.ts';

/** Where the read API sits in the built site. */
export const API_DIR = 'api';

/** Files written between two turns of the event loop, so the search indexer running beside hears its answers. */
const FILES_PER_TURN = 200;

/**
 * Writes the static read API into a built site: `api/inventory.json`,
 * `api/gates.json` and `api/records/<id>.json` per record (ids are unique
 * across kinds). Written by the site's integration once Astro is done, not as
 * Astro endpoints: a record file is plain JSON, and a route and a `Response`
 * per file cost more than the file (a 10k inventory has 10k of them). The
 * files are small and many: written synchronously, each costs one system call
 * instead of three round trips through the thread pool. Compact JSON: the
 * largest, inventory.json, grows with the inventory. `digest` names what the
 * files are made of (records, settings, program): the previous build's API,
 * made from the same, is taken over instead. Says which it did.
 */
export async function writeReadApi(
  outDir: string,
  graph: InventoryGraph,
  commit: string | undefined,
  stamped: Stamped & { digest: string },
): Promise<'reused' | 'written'> {
  const api = path.join(outDir, API_DIR);
  if (await takeOver(stamped, api, stamped.digest)) return 'reused';
  mkdirSync(path.join(api, 'records'), { recursive: true });
  const files: Array<[string, () => unknown]> = [
    ['inventory.json', () => inventoryDocument(graph, commit)],
    ['gates.json', () => gatesDocument(graph, commit)],
    ...[...graph.ids()].map((id): [string, () => unknown] => [`records/${id}.json`, () => recordDocument(graph, id, commit)]),
  ];
  for (const [i, [file, document]] of files.entries()) {
    if (i > 0 && i % FILES_PER_TURN === 0) await nextTurn();
    writeFileSync(path.join(api, file), JSON.stringify(document()));
  }
  await stampWith(stamped, stamped.digest);
  return 'written';
}
