import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { KIND_LAYOUTS, OWNERS_FILE, type Kind, type KindLayout } from '../model/kinds.ts';
import { MANIFEST_FILE, WIDGET_SEED_FILE } from '../model/vocabulary.ts';
import { parseMany, type ParseCache } from './parse-many.ts';
import { SourcePositions, type ParseProblem } from './parse-yaml.ts';
import type { InventorySource } from './source.ts';

export interface LoadedDocument {
  file: string;
  data: unknown;
  positions: SourcePositions;
}

export interface LoadedFile extends LoadedDocument {
  kind: Kind;
  /** The id the file name gives (`inventory/services/gitea.yaml` → `gitea`). */
  fileId: string;
  /** Markdown body, for runbooks and incidents. */
  body?: string;
  bodyLine?: number;
}

export interface LoadedInventory {
  source: string;
  files: LoadedFile[];
  manifest?: LoadedDocument;
  owners?: LoadedDocument;
  /** Raw text of the generated seed files, which validate compares with what `npm run seeds` would write. */
  seedTexts: SeedTexts;
  diagnostics: Diagnostic[];
}

export interface SeedTexts {
  manifest?: string;
  widgets?: string;
}

export interface LoadOptions {
  cache?: ParseCache;
}

const EXTENSION = { yaml: '.yaml', markdown: '.md' } as const;

/** Reads every inventory file of a source, keeping positions; never throws on bad input. */
export async function loadInventory(source: InventorySource, options: LoadOptions = {}): Promise<LoadedInventory> {
  const diagnostics: Diagnostic[] = [];
  const candidates: Array<{ file: string; layout: KindLayout; fileId: string }> = [];

  for (const layout of KIND_LAYOUTS) {
    for (const file of await source.list(layout.dir)) {
      // Editor and OS droppings (.DS_Store, .swp) are not records.
      if (file.split('/').pop()!.startsWith('.')) continue;
      const placed = placement(file, layout);
      if (placed.ok) candidates.push({ file, layout, fileId: placed.id });
      else diagnostics.push(placed.diagnostic);
    }
  }

  const texts = await Promise.all(candidates.map((c) => source.read(c.file)));
  const [manifestText, ownersText, widgetSeedText] = await Promise.all([
    source.read(MANIFEST_FILE),
    source.read(OWNERS_FILE),
    source.read(WIDGET_SEED_FILE),
  ]);
  const parsed = await parseMany(
    [
      ...candidates.map((c, i) => ({ text: texts[i] ?? '', format: c.layout.format })),
      { text: manifestText ?? '', format: 'yaml' as const },
      { text: ownersText ?? '', format: 'yaml' as const },
    ],
    options.cache,
  );

  const files: LoadedFile[] = [];
  candidates.forEach((c, i) => {
    const p = parsed[i]!;
    diagnostics.push(...syntaxDiagnostics(c.file, p.problems));
    const isMapping = p.data !== null && typeof p.data === 'object' && !Array.isArray(p.data);
    if (p.problems.length === 0 && !isMapping) {
      diagnostics.push({
        file: c.file,
        line: 1,
        col: 1,
        severity: 'error',
        code: 'not-a-record',
        message: p.data === null ? 'the file holds no record' : 'a record must be a YAML mapping of fields',
        hint: `write the record's fields (id: ${c.fileId}, title: …), or delete the file`,
      });
    }
    // A file that does not parse still declares its id (data stays null), so
    // references to it are not reported as dangling on top of the syntax error.
    files.push({
      file: c.file,
      kind: c.layout.kind,
      fileId: c.fileId,
      data: isMapping ? p.data : null,
      positions: new SourcePositions(p.positions),
      ...(p.body !== undefined ? { body: p.body, bodyLine: p.bodyLine ?? 1 } : {}),
    });
  });

  const document = (file: string, text: string | undefined, index: number, hint: string): LoadedDocument | undefined => {
    if (text === undefined) {
      diagnostics.push({ file, line: 1, col: 1, severity: 'error', code: 'missing-file', message: `${file} is missing`, hint });
      return undefined;
    }
    const p = parsed[index]!;
    diagnostics.push(...syntaxDiagnostics(file, p.problems));
    return p.problems.length > 0 ? undefined : { file, data: p.data, positions: new SourcePositions(p.positions) };
  };
  const manifest = document(
    MANIFEST_FILE,
    manifestText,
    candidates.length,
    'restore the manifest draft: it declares the widget types, event types, annotation categories and policy scopes',
  );
  const owners = document(
    OWNERS_FILE,
    ownersText,
    candidates.length + 1,
    'restore the owners registry: a YAML list of {id, title, layer} for each owning repo',
  );

  return {
    source: source.label,
    files,
    ...(manifest ? { manifest } : {}),
    ...(owners ? { owners } : {}),
    seedTexts: {
      ...(manifestText !== undefined ? { manifest: manifestText } : {}),
      ...(widgetSeedText !== undefined ? { widgets: widgetSeedText } : {}),
    },
    diagnostics,
  };
}

type Placement = { ok: true; id: string } | { ok: false; diagnostic: Diagnostic };

function placement(file: string, layout: KindLayout): Placement {
  const rest = file.slice(layout.dir.length + 1);
  const ext = EXTENSION[layout.format];
  const problem = (message: string, hint: string): Placement => ({
    ok: false,
    diagnostic: { file, line: 1, col: 1, severity: 'error', code: 'unexpected-file', message, hint },
  });
  if (rest.includes('/')) {
    return problem(`${layout.dir}/ takes one record per file, not sub-folders`, `move the file to ${layout.dir}/${rest.split('/').pop()}`);
  }
  if (!rest.endsWith(ext)) {
    const base = rest.replace(/\.[^.]*$/, '');
    return problem(
      `${layout.plural.toLowerCase()} are ${layout.format === 'yaml' ? 'YAML' : 'Markdown'} files ending in ${ext}`,
      `rename it to ${layout.dir}/${base}${ext}`,
    );
  }
  return { ok: true, id: rest.slice(0, -ext.length) };
}

function syntaxDiagnostics(file: string, problems: readonly ParseProblem[]): Diagnostic[] {
  return problems.map((p) => ({
    file,
    line: p.line,
    col: p.col,
    severity: 'error' as const,
    code: 'yaml-syntax',
    message: p.message,
    hint: 'fix the YAML syntax at this line (indentation, quoting, a missing colon or a duplicate key)',
  }));
}
