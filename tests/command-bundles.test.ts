import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { commandFile } from './helpers/cli.ts';
import { fixture, NOW, REPO_ROOT } from './helpers/fixture.ts';

const run = promisify(execFile);
const NOW_ISO = new Date(NOW).toISOString();

/** A command's exit code and output, however it ended. */
async function outcome(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A copy of the project's sources whose node_modules links to this checkout's packages, with a cache of its own. */
async function projectCopy({ cache = true } = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ops-hub-project-'));
  for (const part of ['src', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json']) await cp(path.join(REPO_ROOT, part), path.join(dir, part), { recursive: true });
  await mkdir(path.join(dir, 'node_modules'));
  for (const entry of await readdir(path.join(REPO_ROOT, 'node_modules'))) {
    if (entry !== '.cache') await symlink(path.join(REPO_ROOT, 'node_modules', entry), path.join(dir, 'node_modules', entry));
  }
  // A file where the cache folder would be: nothing can be written there, as in a read-only install.
  if (!cache) await writeFile(path.join(dir, 'node_modules/.cache'), '');
  return dir;
}

const bundles = async (project: string) => readdir(path.join(project, 'node_modules/.cache/ops-hub-commands')).catch(() => [] as string[]);

describe('npm run starts a short-lived command from its bundle', () => {
  it('the bundle answers as the script does, for a good and a broken inventory', { timeout: 60_000 }, async () => {
    expect(commandFile('validate')).toMatch(/node_modules\/\.cache\/ops-hub-commands\/[0-9a-f]{16}\/validate\.mjs$/);
    expect(commandFile('build'), 'the build runs from source').toBe(path.join(REPO_ROOT, 'scripts/build.ts'));
    const good = await fixture();
    const broken = await fixture({ 'inventory/hosts/old-server.yaml': 'id: old-server\ntitle: [unclosed\n' });
    for (const root of [good, broken]) {
      const args = ['--root', root, '--now', NOW_ISO, '--format', 'json', '--no-cache'];
      const script = await outcome(process.execPath, [path.join(REPO_ROOT, 'scripts/validate.ts'), ...args]);
      const launched = await outcome('bash', [path.join(REPO_ROOT, 'scripts/run.sh'), 'validate', ...args]);
      expect(launched).toEqual(script);
    }
    expect((await outcome('bash', [path.join(REPO_ROOT, 'scripts/run.sh'), 'validate', '--root', broken, '--no-cache'])).code).toBe(1);
  });

  it('a changed source is in the next run, bundled once however many runs start together', { timeout: 120_000 }, async () => {
    const project = await projectCopy();
    const root = await fixture();
    const validate = () => outcome('bash', [path.join(project, 'scripts/run.sh'), 'validate', '--root', root, '--now', NOW_ISO]);

    const together = await Promise.all([validate(), validate(), validate()]);
    for (const r of together) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/✔ 0 errors, .* in \d+ records\n$/);
    }
    const first = await bundles(project);
    expect(first, 'one whole bundle folder, no half-made one left').toHaveLength(1);
    expect(first[0]).toMatch(/^[0-9a-f]{16}$/);

    const summary = path.join(project, 'src/output/diagnostics.ts');
    const text = await readFile(summary, 'utf8');
    expect(text).toContain("} in ${plural(records, 'record')}");
    await writeFile(summary, text.replace("} in ${plural(records, 'record')}", "} across ${plural(records, 'record')}"));
    const changed = await validate();
    expect(changed.stdout).toMatch(/✔ 0 errors, .* across \d+ records\n$/);
    const second = await bundles(project);
    expect(second).toHaveLength(2);
    expect(second).toContain(first[0]);

    await validate();
    expect(await bundles(project), 'nothing changed: nothing bundled again').toEqual(second);
  });

  it('where no bundle can be written, the command runs from source and says so', { timeout: 60_000 }, async () => {
    const project = await projectCopy({ cache: false });
    const root = await fixture();
    const r = await outcome('bash', [path.join(project, 'scripts/run.sh'), 'validate', '--root', root, '--now', NOW_ISO]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✔ 0 errors, .* in \d+ records\n$/);
    expect(r.stderr).toContain('running scripts/validate.ts from source');
  });
});
