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

/** A commit on the first-parent line, with the blob it left at each path it touched (`null`: deleted). */
export interface TreeChangeCommit {
  sha: string;
  /** Committer date: when the change landed on the line, which is what a day's state reflects. */
  committedAt: string;
  subject: string;
  /** `mode` is git's file mode after the commit (100644, 120000 for a link, 160000 for a submodule). */
  changes: Array<{ path: string; blob: string | null; mode: string }>;
}

const NO_BLOB = /^0+$/;

/**
 * Every first-parent commit that touched `paths` (relative to `root`), oldest
 * first, from ONE `git log --raw` pass: replaying the changes gives the blob
 * at each path after each commit, without a git process per commit or file.
 * A merge counts as the change it brought to the line. Outside a git
 * checkout it is empty.
 */
export async function readTreeChanges(root: string, paths: readonly string[]): Promise<TreeChangeCommit[]> {
  let stdout: string;
  try {
    ({ stdout } = await run(
      'git',
      [
        '-C', root, 'log', '--first-parent', '--diff-merges=first-parent', '--reverse', '--relative', '--no-renames',
        '--raw', '--no-abbrev', '-z', '--format=%x1e%H%x1f%cI%x1f%s', '--', ...paths,
      ],
      { maxBuffer: 1 << 30 },
    ));
  } catch {
    return [];
  }
  return stdout.split('\x1e').slice(1).map((entry) => {
    const end = entry.indexOf('\0');
    const [sha, committedAt, subject] = entry.slice(0, end).split('\x1f') as [string, string, string];
    // After the header: ":<modes> <old> <new> <status>\0<path>\0", once per path.
    const fields = entry.slice(end + 1).replace(/^\n/, '').split('\0');
    const changes: TreeChangeCommit['changes'] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const [, mode, , blob] = fields[i]!.split(' ') as [string, string, string, string];
      changes.push({ path: fields[i + 1]!, blob: NO_BLOB.test(blob) ? null : blob, mode });
    }
    return { sha, committedAt, subject, changes };
  });
}
