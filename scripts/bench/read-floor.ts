import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';

/**
 * The floor of a validate run, the least any tool must do: read the files
 * validate reads (everything under the inventory's top folders, which the
 * bench passes: this program loads nothing of ours) and, with `--parse`,
 * parse each with js-yaml (a Markdown record's front matter).
 * Usage: node scripts/bench/read-floor.ts DIR [--parse] TOP_FOLDER...
 */
const [root, ...rest] = process.argv.slice(2);
const parse = rest[0] === '--parse';
let files = 0;
for (const top of parse ? rest.slice(1) : rest) {
  for (const entry of readdirSync(path.join(root!, top), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const text = readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
    files++;
    if (!parse) continue;
    if (entry.name.endsWith('.md')) load(text.slice(4, text.indexOf('\n---', 4)));
    else load(text);
  }
}
process.stdout.write(`${files} files\n`);
