import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** `git -C dir …`, with the commit dates fixed when given (both author and committer). */
export async function git(dir: string, args: string[], date?: string): Promise<string> {
  const env = date ? { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : process.env;
  return (await run('git', ['-C', dir, ...args], { env })).stdout.trim();
}

/** Makes `dir` a repository on `main` that ignores caches as the real one does. */
export async function gitInit(dir: string): Promise<void> {
  await writeFile(path.join(dir, '.gitignore'), '.cache/\n');
  await git(dir, ['init', '-q', '-b', 'main']);
  await git(dir, ['config', 'user.email', 'test@example.invalid']);
  await git(dir, ['config', 'user.name', 'ops-hub test']);
}

/** Commits everything at `date` (ISO); resolves to the commit's SHA. */
export async function commitAll(dir: string, message: string, date: string): Promise<string> {
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '-m', message], date);
  return git(dir, ['rev-parse', 'HEAD']);
}
