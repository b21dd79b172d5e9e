import { spawnSync } from 'node:child_process';
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { layoutOf } from '../../src/model/kinds.ts';

function git(root: string, args: string[], date?: string): void {
  const env = date ? { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : process.env;
  const r = spawnSync('git', ['-C', root, ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
}

/**
 * Gives a synthetic inventory a git history the readiness chart draws: the
 * inventory committed on `firstDay`, then one commit a day for `days` days,
 * each recording probe evidence (alternately failing and passing) on a tenth
 * of the endpoints, which moves the gates that take evidence from them.
 */
export function commitSyntheticHistory(root: string, firstDay: string, days: number): void {
  writeFileSync(path.join(root, '.gitignore'), '.cache/\ndist/\n');
  git(root, ['init', '-q', '-b', 'main']);
  git(root, ['config', 'user.email', 'bench@example.invalid']);
  git(root, ['config', 'user.name', 'ops-hub bench']);
  git(root, ['add', '-A']);
  git(root, ['commit', '-q', '-m', 'synthetic inventory'], `${firstDay}T12:00:00Z`);
  const dir = layoutOf('endpoint').dir;
  const endpoints = readdirSync(path.join(root, dir)).sort();
  for (let day = 1; day <= days; day++) {
    const date = new Date(Date.parse(`${firstDay}T12:00:00Z`) + day * 86_400_000).toISOString();
    const result = day % 2 === 1 ? 'fail' : 'pass';
    endpoints
      .filter((_, i) => i % 10 === day % 10)
      .forEach((file) =>
        appendFileSync(
          path.join(root, dir, file),
          `  - result: ${result}\n    observedAt: ${date}\n    maxAge: P30D\n    summary: probe ${result}ed on day ${day}\n    source: { probe: probe }\n`,
        ),
      );
    git(root, ['add', '-A']);
    git(root, ['commit', '-q', '-m', `probe evidence, day ${day}`], date);
  }
}
