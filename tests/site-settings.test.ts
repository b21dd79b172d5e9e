import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SITE_CONFIG_FILE } from '../src/site/site-config.ts';
import { cli, type CliResult } from './helpers/cli.ts';
import { fixture, REPO_ROOT } from './helpers/fixture.ts';
import { buildSite } from './helpers/site.ts';

const run = promisify(execFile);
const ASTRO = path.join(REPO_ROOT, 'node_modules/astro/bin/astro.mjs');
const SETTINGS = { base: '/ops-hub/', now: '2026-07-01T00:00:00Z', repoUrl: 'https://git.example.test/railiance/ops-hub/src/branch/main' };

let root: string;
let scratch: string;

beforeAll(async () => {
  root = await fixture();
  // `astro build` reads ops-hub.config.json from its working directory, which must be inside the
  // project (Astro stages the prerendered pages there and they import the project's packages).
  await mkdir(path.join(REPO_ROOT, '.astro'), { recursive: true });
  scratch = await mkdtemp(path.join(REPO_ROOT, '.astro', 'test-settings-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Plain `astro build` of the project, as a person runs it from `cwd` with the settings in ops-hub.config.json there. */
async function astroBuild(cwd: string, settings: unknown): Promise<CliResult> {
  await writeFile(path.join(cwd, SITE_CONFIG_FILE), JSON.stringify(settings));
  try {
    const { stdout, stderr } = await run(process.execPath, [ASTRO, 'build', '--root', REPO_ROOT], {
      cwd,
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
      maxBuffer: 1 << 26,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

const INVALID = [
  { name: 'a --now that is not a date', flag: ['--now', 'next tuesday'], setting: { now: 'next tuesday' }, says: /now \(--now\): must be an ISO date .* \(got "next tuesday"\)/ },
  { name: 'a --base that is a URL, not a path', flag: ['--base', 'https://example.test/ops-hub/'], setting: { base: 'https://example.test/ops-hub/' }, says: /base \(--base\): must be a URL path such as \/ops-hub\// },
  { name: 'a --repo-url with credentials', flag: ['--repo-url', 'https://builder:s3cr3t-pass@git.example.test/org/ops-hub'], setting: { repoUrl: 'https://builder:s3cr3t-pass@git.example.test/org/ops-hub' }, says: /repoUrl \(--repo-url\): must not hold credentials/ },
  { name: 'a --repo-url without scheme', flag: ['--repo-url', 'git.example.test/org/ops-hub'], setting: { repoUrl: 'git.example.test/org/ops-hub' }, says: /repoUrl \(--repo-url\): must be an http\(s\) URL/ },
];

describe('site settings', () => {
  it.each(INVALID)('npm run build refuses $name before writing anything', async ({ flag, says }) => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'ops-hub-refused-')), 'site');
    const result = await cli('build.ts', ['--root', root, '--out', out, ...flag]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^invalid site settings:/);
    expect(result.stderr).toMatch(says);
    expect(result.stderr).not.toContain('s3cr3t-pass');
    expect(existsSync(out)).toBe(false);
  });

  it('astro build refuses an invalid ops-hub.config.json, naming every bad setting, before writing anything', async () => {
    const out = path.join(scratch, 'refused');
    const settings = Object.assign({ root, outDir: out, bse: '/x/' }, ...INVALID.slice(0, 3).map((i) => i.setting));
    const result = await astroBuild(scratch, settings);
    expect(result.code).not.toBe(0);
    const said = result.stdout + result.stderr;
    for (const { says } of INVALID.slice(0, 3)) expect(said).toMatch(says);
    expect(said).toContain('bse: not a site setting — did you mean "base"?');
    expect(said).not.toContain('s3cr3t-pass');
    expect(existsSync(out)).toBe(false);
  });

  it('npm run build and astro build with the same settings give the same site, byte for byte', { timeout: 240_000 }, async () => {
    const viaScript = await buildSite(root, SETTINGS);
    const viaAstro = path.join(scratch, 'site');
    const result = await astroBuild(scratch, { ...SETTINGS, root, outDir: viaAstro });
    expect(result.code, result.stderr).toBe(0);

    const list = await files(viaScript);
    expect(await files(viaAstro)).toEqual(list);
    // The settings reached the pages: the base in every link, the repository link, the fixed "now", the search index.
    expect(list).toContain('pagefind/pagefind-entry.json');
    const service = await readFile(path.join(viaScript, 'services/git/index.html'), 'utf8');
    expect(service).toContain(`href="${SETTINGS.repoUrl}/inventory/services/git.yaml"`);
    expect(service).toContain('href="/ops-hub/_astro/');
    for (const file of list) {
      expect((await readFile(path.join(viaAstro, file))).equals(await readFile(path.join(viaScript, file))), file).toBe(true);
    }
  });
});
