import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../src/load/loader.ts';
import { gitSource } from '../src/load/git-source.ts';
import { directorySource } from '../src/load/source.ts';
import { cli } from './helpers/cli.ts';
import { fixture, open } from './helpers/fixture.ts';

const run = promisify(execFile);
const NOW_ISO = '2026-07-01T00:00:00Z';
/** A record in Latin-1: "café" with é as the single byte 0xE9, on line 2. */
const LATIN1 = Buffer.concat([Buffer.from('id: latin\ntitle: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
const OVER_LIMIT = `id: big\ntitle: big\ndescription: ${'x'.repeat(1_100_000)}\n`;

/** Moves a file to the fixture's root and leaves a link to it in its place. */
async function replaceWithLink(dir: string, file: string): Promise<void> {
  const moved = path.join(dir, `${path.basename(file)}.elsewhere`);
  await writeFile(moved, await readFile(path.join(dir, file)));
  await rm(path.join(dir, file));
  await symlink(path.relative(path.dirname(path.join(dir, file)), moved), path.join(dir, file));
}

const byFile = (diagnostics: ReadonlyArray<{ file: string; code: string }>) =>
  Object.fromEntries(diagnostics.map((d) => [d.file, d.code]));

describe('the loader takes regular UTF-8 files of sane size, and reports everything else', () => {
  it('reports a link, a directory, a pipe, a socket, Latin-1, an oversized file and strays, each with its path; validate exits 1', async () => {
    const dir = await fixture({
      'inventory/hosts/big.yaml': OVER_LIMIT,
      'inventory/hosts/.old-server.yaml.swp': 'editor dropping',
      'gates/.DS_Store': 'finder dropping',
      'inventory/README.md': '# not a record\n',
    });
    const at = (file: string) => path.join(dir, file);
    await writeFile(at('inventory/hosts/latin.yaml'), LATIN1);
    // The link points outside the repository: following it would publish that file.
    await writeFile(path.join(dir, '..', `${path.basename(dir)}-outside.yaml`), 'id: outside\ntitle: secret elsewhere\n');
    await symlink(`../../../${path.basename(dir)}-outside.yaml`, at('inventory/hosts/linked.yaml'));
    await mkdir(at('inventory/hosts/folder.yaml'));
    await mkdir(at('inventory/hosts/nested'));
    await mkdir(at('inventory/servics'));
    await run('mkfifo', [at('inventory/hosts/pipe.yaml')]);
    const socket = createServer();
    await new Promise<void>((resolve) => socket.listen(at('inventory/hosts/socket.yaml'), resolve));
    try {
      const r = await cli('validate.ts', ['--root', dir, '--now', NOW_ISO, '--no-cache', '--format', 'json']);
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout) as { diagnostics: Array<{ file: string; line: number; col: number; code: string; message: string; hint: string }>; dotfilesIgnored: string[] };
      const shown = (file: string) => path.relative(process.cwd(), at(file));
      expect(byFile(report.diagnostics)).toEqual({
        [shown('inventory/hosts/linked.yaml')]: 'symlink',
        [shown('inventory/hosts/folder.yaml')]: 'not-a-file',
        [shown('inventory/hosts/pipe.yaml')]: 'not-a-file',
        [shown('inventory/hosts/socket.yaml')]: 'not-a-file',
        [shown('inventory/hosts/latin.yaml')]: 'not-utf8',
        [shown('inventory/hosts/big.yaml')]: 'file-too-large',
        [shown('inventory/hosts/nested')]: 'unexpected-file',
        [shown('inventory/servics')]: 'unexpected-file',
        [shown('inventory/README.md')]: 'unexpected-file',
      });
      const find = (file: string) => report.diagnostics.find((d) => d.file === shown(file))!;
      expect(find('inventory/hosts/latin.yaml')).toMatchObject({ line: 2, col: 11 });
      expect(find('inventory/hosts/latin.yaml').message).toContain('byte 0xe9 at line 2');
      expect(find('inventory/hosts/big.yaml').message).toMatch(/is 1100\d+ bytes \(1\.05 MiB\), over the 1 MiB limit/);
      expect(find('inventory/hosts/pipe.yaml').message).toContain('named pipe');
      expect(find('inventory/hosts/socket.yaml').message).toContain('a socket');
      expect(find('inventory/servics').hint).toContain('did you mean "inventory/services"?');
      for (const d of report.diagnostics) expect(d.hint, d.file).toBeTruthy();
      expect(report.dotfilesIgnored.sort()).toEqual([shown('gates/.DS_Store'), shown('inventory/hosts/.old-server.yaml.swp')]);
      expect(r.stdout).not.toContain('secret elsewhere');
      expect(r.stdout).not.toContain('\uFFFD');

      const text = await cli('validate.ts', ['--root', dir, '--now', NOW_ISO, '--no-cache']);
      expect(text.stdout).toContain(`${shown('inventory/hosts/linked.yaml')}:1:1 error symlink:`);
      expect(text.stdout).toContain(`${shown('inventory/hosts/latin.yaml')}:2:11 error not-utf8:`);
      expect(text.stdout.trimEnd().split('\n').pop()).toBe('✖ 9 errors, 0 warnings, 0 notices in 16 records; 2 dotfiles ignored');
    } finally {
      await new Promise((resolve) => socket.close(resolve));
    }
  });

  it('a refused record still declares its id: records referring to it get no error of their own', async () => {
    const dir = await fixture();
    await replaceWithLink(dir, 'inventory/services/git.yaml');
    const opened = await open(dir);
    expect(opened.diagnostics.map((d) => [d.code, d.file])).toEqual([['symlink', 'inventory/services/git.yaml']]);
  });

  it('applies the same rules to the owners registry, the manifest and the folders that hold them', async () => {
    const dir = await fixture();
    await replaceWithLink(dir, 'inventory/owners.yaml');
    const manifest = await readFile(path.join(dir, 'seeds/ops-hub-manifest.draft.json'), 'utf8');
    await writeFile(path.join(dir, 'seeds/ops-hub-manifest.draft.json'), Buffer.concat([Buffer.from(manifest.replace(/\n$/, '')), Buffer.from([0x0a, 0xff, 0x0a])]));
    const loaded = await loadInventory(directorySource(dir));
    expect(loaded.diagnostics.map((d) => [d.code, d.file, d.line]).sort()).toEqual([
      ['not-utf8', 'seeds/ops-hub-manifest.draft.json', manifest.split('\n').length],
      ['symlink', 'inventory/owners.yaml', 1],
    ]);

    // A kind folder, or the seeds folder, that is a link is reported once; nothing below it is read or called missing.
    const linked = await fixture();
    await run('mv', [path.join(linked, 'gates'), path.join(linked, 'gates-real')]);
    await symlink('gates-real', path.join(linked, 'gates'));
    await run('mv', [path.join(linked, 'seeds'), path.join(linked, 'seeds-real')]);
    await symlink('seeds-real', path.join(linked, 'seeds'));
    const again = await loadInventory(directorySource(linked));
    expect(again.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ['symlink', 'gates'],
      ['symlink', 'seeds'],
    ]);
    expect(again.files.some((f) => f.kind === 'readiness-gate')).toBe(false);
  });
});

describe('the git source (diff) applies the same rules to blobs', () => {
  it('reports a link (mode 120000), a submodule (160000), a non-UTF-8 blob and an oversized one, without decoding or following any', async () => {
    const dir = await fixture({ 'inventory/hosts/big.yaml': OVER_LIMIT, 'gates/.keep': '' });
    await writeFile(path.join(dir, 'inventory/hosts/latin.yaml'), LATIN1);
    await symlink('/etc/hostname', path.join(dir, 'inventory/hosts/linked.yaml'));
    const git = (...args: string[]) => run('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.test', ...args]);
    await git('init', '-q');
    await git('add', '-A');
    await git('commit', '-qm', 'base');
    const head = (await git('rev-parse', 'HEAD')).stdout.trim();
    await git('update-index', '--add', '--cacheinfo', `160000,${head},inventory/services/vendored.yaml`);
    await git('commit', '-qm', 'submodule');

    const loaded = await loadInventory(await gitSource(dir, 'HEAD'));
    expect(loaded.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([
      ['file-too-large', 'inventory/hosts/big.yaml', 1],
      ['not-utf8', 'inventory/hosts/latin.yaml', 2],
      ['symlink', 'inventory/hosts/linked.yaml', 1],
      ['not-a-file', 'inventory/services/vendored.yaml', 1],
    ]);
    expect(loaded.diagnostics.find((d) => d.code === 'not-a-file')!.message).toContain('a git submodule');
    expect(loaded.dotfiles).toEqual(['gates/.keep']);
    // The refused files declare their ids but carry no data: no link target, no replacement character.
    expect(loaded.files.filter((f) => f.data === null).map((f) => f.fileId).sort()).toEqual(['big', 'latin', 'linked', 'vendored']);
    expect(JSON.stringify(loaded.files.map((f) => f.data))).not.toMatch(/\uFFFD|hostname/);

    // The working tree of the first commit reads the same, file for file.
    const tree = await loadInventory(directorySource(dir));
    expect(tree.diagnostics.map((d) => [d.code, d.file])).toEqual(loaded.diagnostics.filter((d) => d.code !== 'not-a-file').map((d) => [d.code, d.file]));
  });
});

describe('one broken record reports its own errors only', () => {
  it('the widget seed is compared only when every record loads and models; otherwise a notice says why', async () => {
    const dir = await fixture();
    expect((await cli('seeds.ts', ['--root', dir])).code).toBe(0);
    expect((await open(dir)).diagnostics).toEqual([]);

    const host = path.join(dir, 'inventory/hosts/old-server.yaml');
    const text = await readFile(host, 'utf8');
    await writeFile(host, text.replace(/^title: .*$/m, 'title: [unclosed'));
    const broken = await open(dir);
    expect(broken.diagnostics.map((d) => [d.severity, d.code, d.file])).toEqual([
      ['error', 'yaml-syntax', 'inventory/hosts/old-server.yaml'],
      ['notice', 'seed-check-skipped', 'seeds/ops-hub-widgets.seed.json'],
    ]);
    expect(broken.diagnostics[1]!.message).toBe(
      'seeds/ops-hub-widgets.seed.json was not compared with the records: 1 file does not load or validate (inventory/hosts/old-server.yaml)',
    );

    // A record that models but changed still makes the seed stale: the check runs again once all load.
    await writeFile(host, text.replace(/^policyScope: .*$/m, 'policyScope: ops-production'));
    const errors = (await open(dir)).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.file])).toEqual([['seed-stale', 'seeds/ops-hub-widgets.seed.json']]);
  });
});
