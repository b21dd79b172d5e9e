import matter from 'gray-matter';
import type { FileFormat } from '../model/kinds.ts';
import { parseYaml, type ParsedYaml } from './parse-yaml.ts';

export interface ParsedFile extends ParsedYaml {
  /** Markdown body below the front matter. */
  body?: string;
  /** Line of the file where the body starts. */
  bodyLine?: number;
}

// gray-matter only splits front matter from body; the front matter goes through
// the same position-keeping YAML parser as every other file.
const splitOnly = { engines: { yaml: { parse: () => ({}), stringify: () => '' } } };

export function parseFile(text: string, format: FileFormat): ParsedFile {
  if (format === 'yaml') return parseYaml(text);
  if (!/^---\r?\n/.test(text)) {
    return {
      data: null,
      positions: [],
      problems: [{ line: 1, col: 1, message: 'a Markdown record must start with YAML front matter between --- lines' }],
      body: text,
      bodyLine: 1,
    };
  }
  const split = matter(text, splitOnly);
  // `split.matter` starts with the rest of the opening `---` line, so its line
  // numbers are the file's line numbers.
  const body = split.content.replace(/^\r?\n/, '');
  const head = text.slice(0, text.length - body.length);
  return { ...parseYaml(split.matter), body, bodyLine: head.split('\n').length };
}
