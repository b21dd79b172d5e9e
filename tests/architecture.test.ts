import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * THE layer table of src/ (README and docs cite it here), bottom first. A
 * file may import its own folder and any folder of a lower layer; a folder of
 * its own layer only as SIDEWAYS declares; nothing above, and nothing outside
 * src/ (scripts/ may import anything in src/, never the other way). No cycles
 * between folders, none between files. A "folder" is the first path segment
 * under src/; `inventory.ts` is the one file directly in src/.
 */
const LAYERS: ReadonlyArray<{ layer: string; folders: readonly string[] }> = [
  { layer: 'utilities', folders: ['util', 'git', 'browser'] },
  { layer: 'diagnostics', folders: ['diagnostics'] },
  { layer: 'model', folders: ['model'] },
  { layer: 'load', folders: ['load'] },
  { layer: 'graph', folders: ['graph'] },
  { layer: 'seeds', folders: ['seeds'] },
  { layer: 'check', folders: ['check'] },
  // files → load → graph → check: the one way in, for every consumer.
  { layer: 'open', folders: ['inventory.ts'] },
  { layer: 'views and output', folders: ['views', 'output'] },
  {
    layer: 'consumers',
    folders: ['diff', 'probe', 'sync', 'interhub', 'forge', 'discover', 'site', 'pages', 'components', 'layouts', 'styles'],
  },
  { layer: 'cli', folders: ['cli'] },
];

/** Imports between folders of one layer, each declared (and, like all, never in a cycle). */
const SIDEWAYS: Readonly<Record<string, readonly string[]>> = {
  output: ['views'], // renderers print the views' labels and field text
  probe: ['interhub'], // the bootstrap gate is Inter-Hub's
  sync: ['interhub'], // the client
  discover: ['probe'], // evidence is written by the probe's text-level edit
  pages: ['components', 'layouts', 'site'],
  components: ['site'],
  layouts: ['site', 'styles'],
};

/** Lower folders a folder still may not use: views and output present the graph and diagnostics; the rules that judge them are check's. */
const NEVER: Readonly<Record<string, readonly string[]>> = {
  views: ['check', 'seeds'],
  output: ['check', 'seeds'],
};

interface Import {
  /** Repository-relative path of the importing file. */
  from: string;
  line: number;
  /** The specifier as written; undefined for `import(expression)`, which cannot be checked. */
  specifier: string | undefined;
}

interface Edge {
  from: string;
  line: number;
  /** Repository-relative path of the imported file. */
  to: string;
}

/** Every import of a file: static, type-only, re-exports, `import()` and `import('…').Type`; for .astro, the frontmatter and scripts. */
function importsOf(file: string, text: string): Import[] {
  const out: Import[] = [];
  for (const { code, firstLine } of file.endsWith('.astro') ? astroCode(text) : [{ code: text, firstLine: 1 }]) {
    const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const add = (node: ts.Node, expr: ts.Node | undefined) => {
      const line = firstLine + source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      out.push({ from: file, line, specifier: expr && ts.isStringLiteralLike(expr) ? expr.text : undefined });
    };
    const visit = (node: ts.Node): void => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) add(node, node.moduleSpecifier);
      else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node, node.moduleReference.expression);
      else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0]);
      else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

/** The frontmatter and the bundled `<script>` bodies of an .astro file, with the line each starts on. */
function astroCode(text: string): Array<{ code: string; firstLine: number }> {
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  const parts: Array<{ code: string; firstLine: number }> = [];
  const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (front) parts.push({ code: front[1]!, firstLine: 2 });
  for (const m of text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) parts.push({ code: m[1]!, firstLine: lineOf(m.index + m[0].indexOf('>') + 1) });
  return parts;
}

const folderOf = (file: string) => file.split('/')[1]!;
const rank = new Map(LAYERS.flatMap(({ folders }, i) => folders.map((f) => [f, i] as const)));
const layerName = (folder: string) => LAYERS[rank.get(folder)!]!.layer;

/** Resolves relative imports between files; packages, `node:` and virtual modules are not ours to layer. */
function edgesOf(imports: readonly Import[]): { edges: Edge[]; problems: string[] } {
  const edges: Edge[] = [];
  const problems: string[] = [];
  for (const i of imports) {
    if (i.specifier === undefined) problems.push(`${i.from}:${i.line} import() of a computed specifier cannot be checked: import a string literal`);
    else if (i.specifier.startsWith('.')) edges.push({ from: i.from, line: i.line, to: path.posix.join(path.posix.dirname(i.from), i.specifier) });
  }
  return { edges, problems };
}

/** Imports that go up, sideways undeclared, into a folder the table forbids, or out of src/. */
function layerViolations(edges: readonly Edge[]): string[] {
  const out: string[] = [];
  const unknown = new Set<string>();
  for (const e of edges) {
    const where = `${e.from}:${e.line} imports ${e.to}`;
    if (!e.to.startsWith('src/')) {
      out.push(`${where}: src/ never imports outside src/ (move what it needs into src/)`);
      continue;
    }
    const [a, b] = [folderOf(e.from), folderOf(e.to)];
    for (const f of [a, b]) if (!rank.has(f)) unknown.add(f);
    if (a === b || !rank.has(a) || !rank.has(b)) continue;
    if (rank.get(b)! > rank.get(a)!) {
      out.push(`${where}: ${a} (layer ${layerName(a)}) may not import ${b}, a higher layer (${layerName(b)}) — move the shared piece down, or pass it in`);
    } else if (rank.get(b) === rank.get(a) && !SIDEWAYS[a]?.includes(b)) {
      out.push(`${where}: ${a} and ${b} share the layer ${layerName(a)}; a sideways import must be declared in SIDEWAYS (tests/architecture.test.ts), or the shared piece moved down`);
    } else if (NEVER[a]?.includes(b)) {
      out.push(`${where}: ${a} may not use ${b} (see NEVER in tests/architecture.test.ts)`);
    }
  }
  for (const f of unknown) out.push(`src/${f} is not in the layer table: add it to LAYERS in tests/architecture.test.ts`);
  return out;
}

/** Cycles of a directed graph, one example path each (Tarjan's strongly connected components). */
function cycles(edges: ReadonlyArray<{ from: string; to: string }>): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const strongConnect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = new Set<string>();
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.add(w);
    } while (w !== v);
    if (component.size > 1 || next.get(v)?.has(v)) found.push(pathBack(v, component, next));
  };
  for (const v of next.keys()) if (!index.has(v)) strongConnect(v);
  return found;
}

/** A shortest path from `start` back to itself inside its component, for the message. */
function pathBack(start: string, component: ReadonlySet<string>, next: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of next.get(v) ?? []) {
      if (w === start) {
        const trail = [v];
        while (trail[0] !== start) trail.unshift(cameFrom.get(trail[0]!)!);
        return [...trail, start];
      }
      if (component.has(w) && !cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** Everything wrong with a set of imports, as messages; empty when the layers hold. */
function architectureProblems(edges: readonly Edge[]): string[] {
  const folderEdges = edges.filter((e) => e.to.startsWith('src/') && folderOf(e.from) !== folderOf(e.to));
  return [
    ...layerViolations(edges),
    ...cycles(folderEdges.map((e) => ({ from: folderOf(e.from), to: folderOf(e.to) }))).map((c) => `folders import each other in a cycle: ${c.join(' → ')}`),
    ...cycles(edges).map((c) => `files import each other in a cycle: ${c.join(' → ')}`),
  ];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mts|js|mjs|astro)$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

const ROOT = path.resolve(import.meta.dirname, '..');
const imports = sourceFiles(path.join(ROOT, 'src')).flatMap((file) => importsOf(file, readFileSync(path.join(ROOT, file), 'utf8')));
const { edges, problems } = edgesOf(imports);

describe('architecture: src/ as it is', () => {
  it('reads the imports of every source file (the parse is not vacuous)', () => {
    expect(edges.length).toBeGreaterThan(200);
    expect(edges).toContainEqual(expect.objectContaining({ from: 'src/inventory.ts', to: 'src/check/run-checks.ts' }));
    expect(edges.some((e) => e.from.endsWith('.astro'))).toBe(true);
  });

  it('imports only downwards, sideways only as declared, with no cycle between folders or files', () => {
    expect([...problems, ...architectureProblems(edges)]).toEqual([]);
  });
});

describe('architecture: the test can fail', () => {
  const add = (from: string, to: string): Edge => ({ from, line: 1, to });

  it('reads static, type-only, re-exported, dynamic and type-position imports, and .astro frontmatter and scripts', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../graph/b.ts';",
      "export { c } from './c.ts';",
      "import './side-effect.css';",
      'type D = import("./d.ts").D;',
      "const e = await import('./e.ts');",
      'const f = await import(name);',
    ].join('\n');
    expect(importsOf('src/x/y.ts', text).map((i) => [i.line, i.specifier])).toEqual([
      [1, './a.ts'],
      [2, '../graph/b.ts'],
      [3, './c.ts'],
      [4, './side-effect.css'],
      [5, './d.ts'],
      [6, './e.ts'],
      [7, undefined],
    ]);
    const astro = "---\nimport A from '../components/A.astro';\n---\n<p>import x from './not-code.ts'</p>\n<script>\n  import { b } from '../site/b.ts';\n</script>\n";
    expect(importsOf('src/pages/p.astro', astro).map((i) => [i.line, i.specifier])).toEqual([
      [2, '../components/A.astro'],
      [6, '../site/b.ts'],
    ]);
    expect(edgesOf(importsOf('src/x/y.ts', 'await import(name);')).problems).toEqual(['src/x/y.ts:1 import() of a computed specifier cannot be checked: import a string literal']);
  });

  it('fails on an upward import, an undeclared sideways one, a forbidden one, one out of src/, an unknown folder', () => {
    expect(layerViolations([add('src/graph/a.ts', 'src/check/b.ts')])).toEqual([
      'src/graph/a.ts:1 imports src/check/b.ts: graph (layer graph) may not import check, a higher layer (check) — move the shared piece down, or pass it in',
    ]);
    expect(layerViolations([add('src/probe/a.ts', 'src/sync/b.ts')])[0]).toContain('a sideways import must be declared in SIDEWAYS');
    expect(layerViolations([add('src/views/a.ts', 'src/check/b.ts')])[0]).toContain('views may not use check');
    expect(layerViolations([add('src/diff/a.ts', 'scripts/bench/synthetic.ts')])[0]).toContain('src/ never imports outside src/');
    expect(layerViolations([add('src/newfolder/a.ts', 'src/util/b.ts')])).toEqual(['src/newfolder is not in the layer table: add it to LAYERS in tests/architecture.test.ts']);
    expect(layerViolations([add('src/cli/a.ts', 'src/util/b.ts'), add('src/output/a.ts', 'src/views/b.ts'), add('src/graph/a.ts', 'src/graph/b.ts')])).toEqual([]);
  });

  it('fails on a cycle between folders and on one between files', () => {
    expect(architectureProblems([add('src/diff/a.ts', 'src/forge/b.ts'), add('src/forge/b.ts', 'src/diff/c.ts')])).toContain(
      'folders import each other in a cycle: diff → forge → diff',
    );
    expect(architectureProblems([add('src/graph/a.ts', 'src/graph/b.ts'), add('src/graph/b.ts', 'src/graph/a.ts')])).toEqual([
      'files import each other in a cycle: src/graph/a.ts → src/graph/b.ts → src/graph/a.ts',
    ]);
  });

  // Issue 13, part 1: each import that once went up, sideways or round, put back into today's src/.
  it.each([
    ['src/check/seeds.ts', 'src/sync/seeds.ts'],
    ['src/interhub/dev-server.ts', 'src/sync/atomic-write.ts'],
    ['src/probe/evidence-plan.ts', 'src/sync/atomic-write.ts'],
    ['src/probe/probe-endpoint.ts', 'src/sync/desired-events.ts'],
    ['src/model/model-inventory.ts', 'src/check/schema-issues.ts'],
    ['src/model/model-inventory.ts', 'src/load/loader.ts'],
    ['src/load/loader.ts', 'src/check/diagnostic.ts'],
    ['src/views/gates.ts', 'src/check/gates.ts'],
    ['src/probe/run-probes.ts', 'src/cli/args.ts'],
    ['src/sync/config.ts', 'src/cli/args.ts'],
    ['src/graph/coverage.ts', 'src/graph/graph.ts'],
    ['src/graph/waves.ts', 'src/graph/graph.ts'],
    ['src/output/diff-report.ts', 'src/diff/change-set.ts'],
  ])('fails when %s imports %s again', (from, to) => {
    expect(architectureProblems([...edges, add(from, to)]).length).toBeGreaterThan(0);
  });
});
