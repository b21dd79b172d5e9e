import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { PathSegment } from '../model/references.ts';

// The position-keeping parser (some sixty modules) is loaded the first time a
// file needs it: most runs read every file on the fast path (fast-yaml.ts).
// Loaded with require because positions are asked for synchronously.
let yamlModule: typeof Yaml | undefined;
const yaml = (): typeof Yaml => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml);

export interface Position {
  line: number;
  col: number;
}

/** Line and column of every field and list item of one parsed document. */
export type PositionTable = Array<[path: string, line: number, col: number]>;

export interface ParseProblem {
  line: number;
  col: number;
  message: string;
}

export interface ParsedYaml {
  data: unknown;
  positions: PositionTable;
  problems: ParseProblem[];
}

const SEP = '\u001f';

export function pathKey(path: readonly PathSegment[]): string {
  return path.join(SEP);
}

/**
 * Parses YAML keeping the position of every field, so any diagnostic can point
 * at its line. The result is plain data, cheap to cache or pass between threads.
 */
export function parseYaml(text: string): ParsedYaml {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  const problems = [...doc.errors, ...doc.warnings].map((e) => ({ ...at(e.pos[0]), message: firstLine(e.message) }));
  const positions: PositionTable = [];
  if (doc.contents) collect(doc.contents, [], positions, at);
  let data: unknown = null;
  if (doc.errors.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      problems.push({ line: 1, col: 1, message: (err as Error).message });
    }
  }
  return { data, positions, problems };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function collect(
  node: Yaml.Node,
  path: PathSegment[],
  out: PositionTable,
  at: (offset: number) => Position,
): void {
  const { isMap, isScalar, isSeq } = yaml();
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const keyNode = pair.key as Yaml.Node | null;
      const childPath = [...path, key];
      const offset = keyNode?.range?.[0];
      if (offset !== undefined) {
        const { line, col } = at(offset);
        out.push([pathKey(childPath), line, col]);
      }
      if (pair.value) collect(pair.value as Yaml.Node, childPath, out, at);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const childPath = [...path, i];
      const offset = (item as Yaml.Node | null)?.range?.[0];
      if (offset !== undefined) {
        const { line, col } = at(offset);
        out.push([pathKey(childPath), line, col]);
      }
      if (item) collect(item as Yaml.Node, childPath, out, at);
    });
  }
}

/**
 * Looks up a position by path, falling back to the nearest enclosing field.
 * The table may be given as a function: files read by the fast path compute
 * it only when a diagnostic first points into them.
 */
export class SourcePositions {
  private table?: Map<string, Position>;
  private readonly entries: PositionTable | (() => PositionTable);

  constructor(entries: PositionTable | (() => PositionTable)) {
    this.entries = entries;
  }

  of(path: readonly PathSegment[]): Position {
    // Built on first use: most records never need a position.
    this.table ??= new Map((typeof this.entries === 'function' ? this.entries() : this.entries).map(([p, line, col]) => [p, { line, col }]));
    for (let n = path.length; n > 0; n--) {
      const hit = this.table.get(pathKey(path.slice(0, n)));
      if (hit) return hit;
    }
    return { line: 1, col: 1 };
  }
}
