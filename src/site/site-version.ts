import { createHash } from 'node:crypto';
import type { InventoryGraph } from '../graph/graph.ts';
import { codeVersion } from '../util/code-version.ts';
import type { SiteSettings } from './site-config.ts';

/**
 * What a whole built site, and its read API, are made of: every record
 * (file, data, body), the owners and the manifest, the moment evidence ages
 * against, the settings the pages get (base, repository link, the commit,
 * which also fixes the git history they show), and the program
 * (util/code-version.ts). Two builds with the same digest write the same files,
 * so a build keeps the last site whole when its digest is the same. One
 * digest for all pages: a change anywhere builds every page again, as a
 * change can reach any page through impact, gates and relations. Worked out
 * once per graph and settings.
 */
export function siteDigest(graph: InventoryGraph, settings: SiteSettings): string {
  const key = JSON.stringify(settings);
  let digests = worked.get(graph);
  if (!digests) worked.set(graph, (digests = new Map()));
  let digest = digests.get(key);
  if (digest === undefined) digests.set(key, (digest = digestOf(graph, key)));
  return digest;
}

const worked = new WeakMap<InventoryGraph, Map<string, string>>();

function digestOf(graph: InventoryGraph, settings: string): string {
  const hash = createHash('sha256').update(codeVersion()).update('\0').update(settings).update('\0');
  hash.update(JSON.stringify({ now: graph.now, owners: graph.owners, manifest: graph.manifest ?? null })).update('\0');
  for (const record of graph.all()) {
    hash.update(record.file).update('\0').update(JSON.stringify(record.data)).update('\0').update(record.body ?? '').update('\0');
  }
  return hash.digest('hex');
}
