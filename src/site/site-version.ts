import { createHash } from 'node:crypto';
import type { InventoryGraph } from '../graph/graph.ts';
import type { SiteSettings } from './site-config.ts';

/**
 * A digest of everything the pages are made of besides code: every record
 * (file, data, body), the owners and the manifest, the moment evidence ages
 * against, and the settings the pages get (base, repository link, the commit,
 * which also fixes the git history they show). Record, kind and topology pages
 * give it to Astro as their `cacheKey`: with the same code and this same
 * digest, Astro's incremental build copies a page from the last build instead
 * of rendering it. One digest for all: a change anywhere renders every page
 * again, as a change can reach any page through impact, gates and relations.
 */
export function siteVersion(graph: InventoryGraph, settings: SiteSettings): string {
  const hash = createHash('sha256').update(JSON.stringify(settings)).update('\0');
  hash.update(JSON.stringify({ now: graph.now, owners: graph.owners, manifest: graph.manifest ?? null })).update('\0');
  for (const record of graph.all()) {
    hash.update(record.file).update('\0').update(JSON.stringify(record.data)).update('\0').update(record.body ?? '').update('\0');
  }
  return hash.digest('hex');
}
