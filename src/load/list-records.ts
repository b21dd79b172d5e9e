import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { KIND_LAYOUTS, OWNERS_FILE, type KindLayout } from '../model/kinds.ts';
import { MANIFEST_FILE, WIDGET_SEED_FILE } from '../model/vocabulary.ts';
import { didYouMean } from '../util/did-you-mean.ts';
import { entryProblem, problemDiagnostic, type FileProblem } from './file-rules.ts';
import type { InventorySource, SourceEntry } from './source.ts';

export interface RecordEntry {
  file: string;
  layout: KindLayout;
  /** The id the file name gives (`inventory/services/gitea.yaml` → `gitea`). */
  fileId: string;
  /** Why it is not read (a link, not a regular file); its id still counts as declared. */
  problem?: FileProblem;
}

export interface Listing {
  records: RecordEntry[];
  diagnostics: Diagnostic[];
  /** Dotfiles under inventory/ and gates/ (editor droppings): the one thing not reported, only counted. */
  dotfiles: string[];
  /** Top-level folders there as something else (a link, a file): already reported, so nothing below them is read. */
  refusedFolders: Set<string>;
}

const EXTENSION = { yaml: '.yaml', markdown: '.md' } as const;
const KIND_DIRS = new Map(KIND_LAYOUTS.map((l) => [l.dir, l]));
const parentOf = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf('/')));
/** Folders that hold kind folders and files read by name (inventory/): each entry must be one of those. */
const CONTAINERS = new Map<string, string[]>();
for (const p of [...KIND_DIRS.keys(), OWNERS_FILE]) {
  const parent = parentOf(p);
  if (parent !== '') CONTAINERS.set(parent, [...(CONTAINERS.get(parent) ?? []), p]);
}
/** The entries at an inventory's root the loader looks into; nothing else there is the inventory's. */
export const TOP_FOLDERS = [...new Set([...KIND_DIRS.keys(), OWNERS_FILE, MANIFEST_FILE, WIDGET_SEED_FILE].map((p) => p.split('/')[0]!))];

/**
 * Every entry under inventory/ and gates/, each either taken as a record file
 * or reported with its path; dotfiles are counted. Links are listed as links,
 * never followed (one could point outside the repository and publish that
 * file), and the types come with the listing, so nothing extra is stat'ed.
 */
export async function listRecords(source: InventorySource): Promise<Listing> {
  const listing: Listing = { records: [], diagnostics: [], dotfiles: [], refusedFolders: new Set() };
  const root = new Map((await source.entries('')).map((e) => [e.name, e]));
  for (const name of TOP_FOLDERS) {
    const entry = root.get(name);
    if (!entry) continue;
    if (entry.type !== 'directory') {
      listing.refusedFolders.add(name);
      listing.diagnostics.push(notAFolder(name, entry));
    } else await listFolder(source, name, listing);
  }
  // The order records always had: by kind as KIND_LAYOUTS lists them, then by path.
  const rank = (r: RecordEntry) => KIND_LAYOUTS.indexOf(r.layout);
  listing.records.sort((a, b) => rank(a) - rank(b) || (a.file < b.file ? -1 : 1));
  listing.dotfiles.sort();
  return listing;
}

async function listFolder(source: InventorySource, dir: string, listing: Listing): Promise<void> {
  const layout = KIND_DIRS.get(dir);
  if (!layout && !CONTAINERS.has(dir)) return; // e.g. seeds/: only its named files are read
  for (const entry of await source.entries(dir)) {
    const file = `${dir}/${entry.name}`;
    if (entry.name.startsWith('.')) listing.dotfiles.push(file);
    else if (layout) listKindEntry(file, entry, layout, listing);
    else if (file === OWNERS_FILE) continue; // read by name, under the same rules
    else if (KIND_DIRS.has(file) || CONTAINERS.has(file)) {
      if (entry.type === 'directory') await listFolder(source, file, listing);
      else listing.diagnostics.push(notAFolder(file, entry));
    } else {
      const known = CONTAINERS.get(dir)!;
      const guess = didYouMean(file, known);
      listing.diagnostics.push(unexpected(file, `${dir}/ holds ${known.map((k) => k.slice(dir.length + 1)).join(', ')} and nothing else`, guess ? `${guess} Otherwise move it out of ${dir}/` : `move it out of ${dir}/, or delete it`));
    }
  }
}

function listKindEntry(file: string, entry: SourceEntry, layout: KindLayout, listing: Listing): void {
  const ext = EXTENSION[layout.format];
  const problem = entryProblem(entry.type);
  if (entry.name.endsWith(ext)) {
    listing.records.push({ file, layout, fileId: entry.name.slice(0, -ext.length), ...(problem ? { problem } : {}) });
  } else if (entry.type === 'directory') {
    listing.diagnostics.push(unexpected(file, `${layout.dir}/ takes one record per file, not sub-folders`, `move its record files up into ${layout.dir}/ and delete the folder`));
  } else if (problem) {
    listing.diagnostics.push(problemDiagnostic(file, problem));
  } else {
    listing.diagnostics.push(
      unexpected(
        file,
        `${layout.plural.toLowerCase()} are ${layout.format === 'yaml' ? 'YAML' : 'Markdown'} files ending in ${ext}`,
        `rename it to ${layout.dir}/${entry.name.replace(/\.[^.]*$/, '')}${ext}`,
      ),
    );
  }
}

function notAFolder(file: string, entry: SourceEntry): Diagnostic {
  const problem = entryProblem(entry.type);
  const hint = `make ${file} a folder in the repository itself`;
  return problem ? problemDiagnostic(file, problem, hint) : unexpected(file, `${file} must be a folder, but it is a file`, hint);
}

function unexpected(file: string, message: string, hint: string): Diagnostic {
  return { file, line: 1, col: 1, severity: 'error', code: 'unexpected-file', message, hint };
}
