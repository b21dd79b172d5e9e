import { Document, isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Evidence } from '../model/evidence.ts';
import type { Hunk } from '../output/probe-report.ts';
import { refreshed, refreshPlan } from './refresh.ts';

export interface EvidenceSplice {
  text: string;
  action: 'add' | 'replace';
  hunks: Hunk[];
}

interface Edit {
  start: number;
  end: number;
  insert: string;
}

/** The file cannot be edited safely; nothing is written. */
export class EvidenceEditError extends Error {}

/**
 * Refreshes the `evidence:` list of a YAML record by editing its text: the
 * yaml library's node ranges say where each item starts and ends, and only
 * those bytes change. Comments, key order, flow maps, folded strings and
 * blank lines elsewhere stay exactly as written, so the Git diff shows only
 * the evidence. A block list gets one item replaced in place (or appended)
 * per the refresh rule; a missing, empty or flow-style list is (re)written
 * as a block list under the same key.
 */
export function spliceEvidence(text: string, item: Evidence, isOld: (raw: unknown) => boolean): EvidenceSplice {
  const { root, nl } = parseRecord(text);
  const pair = pairOf(root, 'evidence');
  const list = pair?.value;

  let edits: Edit[];
  let action: EvidenceSplice['action'];
  if (isSeq(list) && !list.flow && list.items.length > 0) {
    const items = list.items as Node[];
    const plan = refreshPlan(items.map((n) => n.toJSON()), isOld);
    const dashCol = columnOf(text, dashOf(text, items[0]!));
    const itemText = emitItem(item, dashCol, nl);
    action = plan.replaceAt === undefined ? 'add' : 'replace';
    edits = plan.remove.map((i) => ({ ...regionOf(text, items[i]!), insert: '' }));
    if (plan.replaceAt !== undefined) {
      edits.push({ ...regionOf(text, items[plan.replaceAt]!), insert: itemText });
    } else {
      const at = regionOf(text, items.at(-1)!).end;
      edits.push({ start: at, end: at, insert: (endsLine(text, at) ? '' : nl) + itemText });
    }
  } else {
    // No block items to splice between: write the whole list as a block under the key.
    const existing = isSeq(list) ? (list.items as Node[]).map((n) => n.toJSON() as Evidence) : [];
    action = refreshPlan(existing, isOld).replaceAt === undefined ? 'add' : 'replace';
    const keyCol = keyColumn(text, root);
    const block = `${' '.repeat(keyCol)}evidence:${nl}${refreshed(existing, item, isOld).map((e) => emitItem(e, keyCol + 2, nl)).join('')}`;
    edits = [keyBlockEdit(text, root, pair, block, nl)];
  }
  return { text: applyEdits(text, edits, nl), action, hunks: hunksOf(text, edits) };
}

/**
 * Sets one top-level field of a YAML record to `value` (a scalar, or an
 * evidence item such as a backup set's lastVerifiedBackup) by editing its
 * text: the key's lines are replaced, or the key is appended; every other
 * byte stays.
 */
export function spliceField(text: string, key: string, value: unknown): EvidenceSplice {
  const { root, nl } = parseRecord(text);
  const pair = pairOf(root, key);
  const doc = new Document({ [key]: value });
  const source = doc.getIn([key, 'source'], true);
  if (isMap(source)) source.flow = true;
  const pad = ' '.repeat(keyColumn(text, root));
  const lines = doc.toString({ lineWidth: 0, singleQuote: true }).replace(/\n$/, '').split('\n');
  const edits = [keyBlockEdit(text, root, pair, lines.map((line) => (line === '' ? '' : pad + line)).join(nl) + nl, nl)];
  return { text: applyEdits(text, edits, nl), action: pair ? 'replace' : 'add', hunks: hunksOf(text, edits) };
}

function parseRecord(text: string): { root: YAMLMap<Node, Node | null>; nl: string } {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new EvidenceEditError(`does not parse as YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const root = doc.contents;
  if (!isMap(root) || root.flow || !root.range) throw new EvidenceEditError('is not a block mapping');
  return { root: root as YAMLMap<Node, Node | null>, nl: text.includes('\r\n') ? '\r\n' : '\n' };
}

function pairOf(root: YAMLMap<Node, Node | null>, key: string): Pair<Node, Node | null> | undefined {
  return root.items.find((p) => isScalar(p.key) && p.key.value === key);
}

function keyColumn(text: string, root: YAMLMap<Node, Node | null>): number {
  return columnOf(text, root.items[0]!.key.range![0]);
}

/** Replaces a top-level key and its value (from the key's line to the value's last line) by `block`, or appends `block` after the mapping. */
function keyBlockEdit(text: string, root: YAMLMap<Node, Node | null>, pair: Pair<Node, Node | null> | undefined, block: string, nl: string): Edit {
  if (!pair) {
    const at = lineEnd(text, root.range![1]);
    return { start: at, end: at, insert: (endsLine(text, at) ? '' : nl) + block };
  }
  const key = pair.key;
  const start = lineStart(text, key.range![0]);
  if (text.slice(start, key.range![0]).trim() !== '') throw new EvidenceEditError(`has \`${String(key)}:\` in an unusual layout; put the key on its own line`);
  return { start, end: lineEnd(text, pair.value?.range?.[1] ?? key.range![1]), insert: block };
}

/** An evidence item in the house style: block mapping, `source` as a flow map, single quotes. */
function emitItem(item: Evidence, dashCol: number, nl: string): string {
  const doc = new Document(item);
  const source = doc.get('source', true);
  if (isMap(source)) source.flow = true;
  const lines = doc.toString({ lineWidth: 0, singleQuote: true }).replace(/\n$/, '').split('\n');
  const pad = ' '.repeat(dashCol);
  return lines.map((line, i) => (line === '' ? '' : `${pad}${i === 0 ? '- ' : '  '}${line}`)).join(nl) + nl;
}

/** From the start of the item's `-` line to the end of its last line (comments after it stay). */
function regionOf(text: string, item: Node): { start: number; end: number } {
  return { start: lineStart(text, dashOf(text, item)), end: lineEnd(text, item.range![1]) };
}

function dashOf(text: string, item: Node): number {
  let i = item.range![0] - 1;
  while (i >= 0 && text[i] === ' ') i--;
  if (text[i] !== '-' || text.slice(lineStart(text, i), i).trim() !== '') {
    throw new EvidenceEditError('has an evidence item in an unusual layout; write each item as `- key: value` on its own line');
  }
  return i;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset after the line break ending the line that holds `offset - 1` (or the end of the text). */
function lineEnd(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const next = text.indexOf('\n', offset);
  return next === -1 ? text.length : next + 1;
}

function endsLine(text: string, offset: number): boolean {
  return offset === 0 || text[offset - 1] === '\n';
}

function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

function applyEdits(text: string, edits: readonly Edit[], nl: string): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) {
    // A region that ran to the end of an unterminated last line keeps it unterminated.
    const insert = e.end === text.length && !text.endsWith('\n') && e.insert.endsWith(nl) && e.end > e.start ? e.insert.slice(0, -nl.length) : e.insert;
    out = out.slice(0, e.start) + insert + out.slice(e.end);
  }
  return out;
}

function hunksOf(text: string, edits: readonly Edit[]): Hunk[] {
  const lines = (s: string) => (s === '' ? [] : s.replace(/\r?\n$/, '').split(/\r?\n/));
  return [...edits]
    .sort((a, b) => a.start - b.start)
    .map((e) => ({ line: text.slice(0, e.start).split('\n').length, removed: lines(text.slice(e.start, e.end)), added: lines(e.insert) }));
}
