import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCommandLine, runCommand } from '../src/cli/args.ts';
import { openOrRefuse } from '../src/cli/open-or-refuse.ts';
import { withInventoryLock } from '../src/load/write-lock.ts';
import { editorSettings, jsonSchemas } from '../src/model/json-schema.ts';
import { apiJsonSchemas } from '../src/site/api-schema.ts';
import { writeFileAtomic } from '../src/util/atomic-write.ts';

const USAGE = 'usage: npm run schema -- [--root DIR]';
const SETTINGS = '.vscode/settings.json';

await runCommand(async () => {
  const args = parseCommandLine(process.argv.slice(2), { root: { type: 'string', default: '.' } }, USAGE);
  // .vscode/settings.json is read, merged and written: under the write lock, so concurrent runs take turns.
  return withInventoryLock(args.root, async () => {
    // Schemas help fix records while typing, so only the manifest (the vocabulary) must validate.
    const opened = await openOrRefuse(args.root, {
      now: Date.now(),
      tolerate: () => true,
      needsManifest: true,
      refusal: 'schema: the manifest does not validate; run `npm run validate` first',
    });
    if (!opened) return 1;
    const { modelled } = opened;
    const files = new Map([...jsonSchemas(modelled.vocabulary), ...apiJsonSchemas(modelled.vocabulary)]);
    let settings: Record<string, unknown> = {};
    try {
      settings = JSON.parse(await readFile(path.join(args.root, SETTINGS), 'utf8')) as Record<string, unknown>;
    } catch {
      // No settings yet: start from the mapping alone.
    }
    files.set(SETTINGS, editorSettings(settings));
    for (const [file, content] of files) {
      await writeFileAtomic(path.join(args.root, file), content);
      process.stdout.write(`wrote ${file}\n`);
    }
    return 0;
  });
});
