import { createRequire } from 'node:module';
import type Matter from 'gray-matter';
import type { FileFormat } from '../model/kinds.ts';
import { fastParseYaml } from './fast-yaml.ts';
import { parseYaml, type ParseProblem, type PositionTable } from './parse-yaml.ts';

export interface ParsedFile {
  data: unknown;
  problems: ParseProblem[];
  /** Set when the position-keeping parser read the file; otherwise `positionsOf` computes them when needed. */
  positions?: PositionTable;
  /** Markdown body below the front matter. */
  body?: string;
  /** Line of the file where the body starts. */
  bodyLine?: number;
}

/**
 * `fast` reads plain documents with js-yaml and keeps no positions, falling
 * back to the full parser for everything else (fast-yaml.ts); `full` reads
 * every file with the position-keeping parser, the reference the fast path is
 * tested against.
 */
export type Parser = 'fast' | 'full';

export function parseFile(text: string, format: FileFormat, parser: Parser = 'fast'): ParsedFile {
  if (format === 'yaml') return parseYamlText(text, parser);
  const split = frontMatter(text);
  if (!split) {
    return {
      data: null,
      positions: [],
      problems: [{ line: 1, col: 1, message: 'a Markdown record must start with YAML front matter between --- lines' }],
      body: text,
      bodyLine: 1,
    };
  }
  return { ...parseYamlText(split.yaml, parser), body: split.body, bodyLine: split.bodyLine };
}

/** The position of every field of a file, for a file the fast path read: computed for the few files a diagnostic points into. */
export function positionsOf(text: string, format: FileFormat): PositionTable {
  const yaml = format === 'yaml' ? text : frontMatter(text)?.yaml;
  return yaml === undefined ? [] : parseYaml(yaml).positions;
}

function parseYamlText(yaml: string, parser: Parser): ParsedFile {
  const fast = parser === 'fast' ? fastParseYaml(yaml) : undefined;
  return fast ? { data: fast.data, problems: [] } : parseYaml(yaml);
}

// gray-matter only splits front matter from body; the front matter goes through
// the same YAML parsers as every other file. Like the position-keeping parser
// (parse-yaml.ts) it is loaded when a file first needs it: it brings some forty
// modules (its own js-yaml, esprima), and a run that takes its records from
// the cache parses no Markdown.
let matterModule: typeof Matter | undefined;
const matter = (): typeof Matter => (matterModule ??= createRequire(import.meta.url)('gray-matter') as typeof Matter);
const splitOnly = { engines: { yaml: { parse: () => ({}), stringify: () => '' } } };

/**
 * A Markdown record's front matter and body. `matter` starts with the rest of
 * the opening `---` line, so the YAML's line numbers are the file's.
 */
function frontMatter(text: string): { yaml: string; body: string; bodyLine: number } | undefined {
  if (!/^---\r?\n/.test(text)) return undefined;
  const split = matter()(text, splitOnly);
  const body = split.content.replace(/^\r?\n/, '');
  const head = text.slice(0, text.length - body.length);
  return { yaml: split.matter, body, bodyLine: head.split('\n').length };
}
