import { z } from 'zod';
import { KIND_LAYOUTS, type Kind } from './kinds.ts';
import { buildSchemas } from './schemas.ts';
import type { Vocabulary } from './vocabulary.ts';

export const SCHEMA_DIR = 'schemas';

export function schemaFileOf(kind: Kind): string {
  return `${SCHEMA_DIR}/${kind}.schema.json`;
}

/** JSON Schema per kind, generated from the zod schemas (never by hand), vocabulary included. */
export function jsonSchemas(vocabulary: Vocabulary): Map<string, string> {
  const schemas = buildSchemas(vocabulary);
  const files = new Map<string, string>();
  for (const { kind, plural } of KIND_LAYOUTS) {
    const json = z.toJSONSchema(schemas[kind], { io: 'input', unrepresentable: 'any' });
    const document = { title: `ops-hub ${kind}`, description: `${plural} of the ops-hub inventory`, ...json };
    files.set(schemaFileOf(kind), `${JSON.stringify(document, null, 2)}\n`);
  }
  return files;
}

/** VS Code (YAML language server) settings mapping each kind's files to its schema. */
export function editorSettings(existing: Record<string, unknown> = {}): string {
  const mapping: Record<string, string[]> = {};
  for (const { kind, dir, format } of KIND_LAYOUTS) {
    if (format === 'yaml') mapping[`./${schemaFileOf(kind)}`] = [`${dir}/*.yaml`];
  }
  return `${JSON.stringify({ ...existing, 'yaml.schemas': mapping }, null, 2)}\n`;
}
