import { execFile } from 'node:child_process';
import { access, chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { DiscoverReport } from '../src/discover/report.ts';
import { fixture, REPO_ROOT } from './helpers/fixture.ts';

const exec = promisify(execFile);
const K8S = path.resolve(import.meta.dirname, 'fixtures/k8s');
const STEP = 'Discover and record evidence';

/** The workflow's own script for the discover step, as written. */
async function discoverStep(file: string): Promise<string> {
  const workflow = parse(await readFile(path.join(REPO_ROOT, file), 'utf8')) as { jobs: Record<string, { steps: Array<{ name?: string; run?: string }> }> };
  const step = Object.values(workflow.jobs).flatMap((j) => j.steps).find((s) => s.name === STEP);
  expect(step?.run, `${file}: step "${STEP}"`).toBeTruthy();
  return step!.run!;
}

/**
 * A PATH with stand-ins: `npm run --silent discover -- ARGS` runs the command
 * under the pinned Node, and kubectl answers `config current-context`, notes
 * which kubeconfig it was given, and prints the fixture cluster for `get`.
 */
async function standIns(): Promise<{ bin: string; seen: string }> {
  const bin = await mkdtemp(path.join(tmpdir(), 'ops-hub-discover-ci-'));
  const seen = path.join(bin, 'kubeconfig-seen');
  const items = (await Promise.all(['workloads.json', 'cert-manager.json', 'cnpg.json'].map(async (f) => JSON.parse(await readFile(path.join(K8S, f), 'utf8')).items))).flat();
  await writeFile(path.join(bin, 'cluster.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  const scripts: Record<string, string> = {
    npm: `[ "$1 $2 $3 $4" = "run --silent discover --" ] || exit 90\nshift 4\nexec "${process.execPath}" "${REPO_ROOT}/scripts/discover.ts" "$@"`,
    kubectl: `printf '%s %s\\n' "$KUBECONFIG" "$(/bin/cat "$KUBECONFIG")" > '${seen}'\n[ "$1 $2" = "config current-context" ] && { echo ops; exit 0; }\n[ "$1" = get ] || exit 91\nexec /bin/cat '${path.join(bin, 'cluster.json')}'`,
  };
  for (const [name, body] of Object.entries(scripts)) {
    await writeFile(path.join(bin, name), `#!/bin/bash\n${body}\n`);
    await chmod(path.join(bin, name), 0o755);
  }
  return { bin, seen };
}

describe.each(['.github/workflows/discover.yml', '.gitea/workflows/discover.yml'])('%s, run as written', { timeout: 120_000 }, (file) => {
  it('takes the snapshot with the secret kubeconfig, records evidence and the report, and removes the kubeconfig', async () => {
    const repo = await fixture();
    const { bin, seen } = await standIns();
    const summary = path.join(bin, 'summary.md');
    const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: bin, CLUSTER: 'old-k3s', KUBECONFIG_TEXT: 'apiVersion: v1\nkind: Config # stand-in', GITHUB_STEP_SUMMARY: summary };
    const { stdout } = await exec('bash', ['-eo', 'pipefail', '-c', await discoverStep(file)], { cwd: repo, env });
    expect(stdout).toContain('### Discovery of `old-k3s`');
    const noted = await readFile(seen, 'utf8');
    const kubeconfig = noted.slice(0, noted.indexOf(' '));
    expect(noted.slice(kubeconfig.length)).toContain('kind: Config # stand-in');
    await expect(access(kubeconfig)).rejects.toThrow();
    const report = JSON.parse(await readFile(path.join(repo, 'discover-report.json'), 'utf8')) as DiscoverReport;
    expect(report).toMatchObject({ cluster: 'old-k3s', written: true, ok: false, snapshot: { sources: ['kubectl --context ops'] } });
    expect(await readFile(path.join(repo, 'inventory/endpoints/registry-v2.yaml'), 'utf8')).toContain('source: { probe: discover }');
    if (file.startsWith('.github')) expect(await readFile(summary, 'utf8')).toBe(await readFile(path.join(repo, 'discover-summary.md'), 'utf8'));
  });

  it('says so and changes nothing without the secret', async () => {
    const repo = await fixture();
    const { bin } = await standIns();
    const { stdout } = await exec('bash', ['-eo', 'pipefail', '-c', await discoverStep(file)], { cwd: repo, env: { PATH: `${bin}:/usr/bin:/bin`, CLUSTER: 'old-k3s', KUBECONFIG_TEXT: '' } });
    expect(stdout).toContain('::notice::the secret OPS_HUB_KUBECONFIG is not set: nothing was discovered');
    await expect(access(path.join(repo, 'discover-report.json'))).rejects.toThrow();
  });
});
