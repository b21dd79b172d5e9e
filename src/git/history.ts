import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Commit {
  sha: string;
  date: string;
  author: string;
  subject: string;
}

export interface FileHistory {
  /** Latest commits first, per file (paths relative to the inventory root). */
  byFile: Map<string, Commit[]>;
  /** Latest commits over the whole inventory, with the files each touched. */
  recent: Array<Commit & { files: string[] }>;
}

const EMPTY: FileHistory = { byFile: new Map(), recent: [] };

/**
 * The history of every inventory file from ONE `git log --name-only` pass,
 * not a git process per record. Outside a git checkout it is empty.
 */
export async function readFileHistory(root: string, perFile = 5, recentCount = 15): Promise<FileHistory> {
  let stdout: string;
  try {
    ({ stdout } = await run(
      'git',
      ['-C', root, 'log', '--relative', '--no-renames', '--name-only', '--format=%x1e%H%x1f%aI%x1f%an%x1f%s', '--', 'inventory', 'gates'],
      { maxBuffer: 1 << 30 },
    ));
  } catch {
    return EMPTY;
  }
  const byFile = new Map<string, Commit[]>();
  const recent: FileHistory['recent'] = [];
  for (const entry of stdout.split('\x1e').slice(1)) {
    const [header, ...rest] = entry.split('\n');
    const [sha, date, author, subject] = header!.split('\x1f') as [string, string, string, string];
    const commit = { sha, date, author, subject };
    const files = rest.map((l) => l.trim()).filter(Boolean);
    if (recent.length < recentCount) recent.push({ ...commit, files });
    for (const file of files) {
      const list = byFile.get(file) ?? [];
      if (list.length < perFile) list.push(commit);
      byFile.set(file, list);
    }
  }
  return { byFile, recent };
}

/** The commit the inventory is at (HEAD), or undefined outside a git checkout. */
export async function headCommit(root: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', ['-C', root, 'rev-parse', 'HEAD']);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}
