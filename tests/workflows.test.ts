import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { markerFor } from '../src/forge/sticky-comment.ts';
import { fixture, REPO_ROOT } from './helpers/fixture.ts';
import { startForge, type Flavour, type StandInForge } from './helpers/forge.ts';
import { startHub, type TestHub } from './helpers/interhub.ts';

const exec = promisify(execFile);
const FORGES = ['.github/workflows', '.gitea/workflows'] as const;
/** Every secret a workflow may read; each is explained in the README. */
const SECRETS = ['IHUB_BASE', 'IHUB_CLIENT_ID', 'OPS_HUB_KEY', 'OPS_HUB_PR_TOKEN', 'OPS_HUB_KUBECONFIG', 'GITHUB_TOKEN'];

interface Step {
  name?: string;
  run?: string;
  uses?: string;
}
interface Workflow {
  file: string;
  text: string;
  jobs: Record<string, { steps: Step[] }>;
}

async function workflows(): Promise<Workflow[]> {
  const all: Workflow[] = [];
  for (const dir of FORGES) {
    for (const name of (await readdir(path.join(REPO_ROOT, dir))).sort()) {
      const file = `${dir}/${name}`;
      const text = await readFile(path.join(REPO_ROOT, file), 'utf8');
      const doc = parseDocument(text, { prettyErrors: true });
      expect([...doc.errors, ...doc.warnings].map(String), file).toEqual([]);
      all.push({ file, text, ...(doc.toJS() as { jobs: Workflow['jobs'] }) });
    }
  }
  return all;
}

const packageScripts = async (): Promise<Record<string, string>> =>
  (JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** `npm run [--silent] NAME [-- FLAGS]` in a step's script: the name and the long flags passed. */
function npmRuns(run: string): { name: string; flags: string[] }[] {
  return [...run.matchAll(/npm run (?:--silent )?([\w:-]+)(?: -- ([^\n|>]*))?/g)].map((m) => ({
    name: m[1]!,
    flags: [...(m[2] ?? '').matchAll(/(?:^|\s)--([a-z][a-z-]*)/g)].map((f) => f[1]!),
  }));
}

/** The script an npm command runs (`bash scripts/run.sh probe-gate` runs `scripts/probe-gate.ts`). */
const entryScript = (command: string): string | undefined => {
  const name = command.match(/^bash scripts\/run\.sh ([\w-]+)$/)?.[1];
  return name === undefined ? undefined : `scripts/${name}.ts`;
};

const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);

describe('CI workflows', () => {
  it('are valid YAML with jobs of steps, for both forges', async () => {
    const all = await workflows();
    expect(all.map((w) => w.file)).toEqual(
      expect.arrayContaining(FORGES.flatMap((dir) => ['main.yml', 'pr.yml', 'probe.yml', 'discover.yml'].map((n) => `${dir}/${n}`))),
    );
    for (const workflow of all) {
      expect(Object.keys(workflow.jobs).length, workflow.file).toBeGreaterThan(0);
      for (const step of steps(workflow)) expect(step.run ?? step.uses, `${workflow.file}: a step without run or uses`).toBeTruthy();
    }
  });

  it('run only scripts that exist in package.json, with flags those scripts accept', async () => {
    const scripts = await packageScripts();
    for (const workflow of await workflows()) {
      for (const step of steps(workflow)) {
        for (const { name, flags } of npmRuns(step.run ?? '')) {
          expect(Object.keys(scripts), `${workflow.file}: npm run ${name}`).toContain(name);
          const entry = entryScript(scripts[name]!);
          if (!entry) continue;
          const source = await readFile(path.join(REPO_ROOT, entry), 'utf8');
          for (const flag of flags) {
            expect(source, `${workflow.file}: npm run ${name} -- --${flag}`).toMatch(new RegExp(`(^|[\\s{])'?${flag}'?: \\{ type:`, 'm'));
          }
        }
      }
    }
  });

  it('reach every command through scripts/run.sh, naming a script that exists', async () => {
    for (const [name, command] of Object.entries(await packageScripts())) {
      if (command.startsWith('bash scripts/setup.sh') || name === 'test') continue;
      const entry = entryScript(command);
      expect(entry, `npm run ${name}: ${command}`).toBeDefined();
      await expect(readFile(path.join(REPO_ROOT, entry!), 'utf8'), `npm run ${name}`).resolves.toContain('runCommand');
    }
  });

  it('keep the GitHub and Gitea variants in step', async () => {
    const all = await workflows();
    const commands = (file: string) =>
      steps(all.find((w) => w.file === file)!)
        .flatMap((s) => npmRuns(s.run ?? ''))
        .map((r) => r.name);
    for (const name of ['main.yml', 'pr.yml', 'probe.yml', 'discover.yml']) {
      expect(commands(`.gitea/workflows/${name}`), name).toEqual(commands(`.github/workflows/${name}`));
    }
  });

  it('read only documented secrets, and never expand an expression inside a script', async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    for (const workflow of await workflows()) {
      for (const [, name] of workflow.text.matchAll(/secrets\.([A-Z_]+)/g)) {
        expect(SECRETS, `${workflow.file}: secrets.${name}`).toContain(name);
        expect(readme, `README explains ${name}`).toContain(`\`${name}\``);
      }
      // Values reach scripts through env: an expression in a script is a shell-injection route.
      for (const step of steps(workflow)) expect(step.run ?? '', `${workflow.file}: ${step.name}`).not.toContain('${{');
    }
  });
});

/**
 * Runs a workflow's own `run:` scripts, as written, in a temporary clone: `npm`
 * is a stand-in that maps `npm run NAME -- ARGS` to the script package.json
 * names (the set-up already happened in this checkout), Inter-Hub is the dev
 * server and the forge a stand-in, both on 127.0.0.1.
 */
describe('the pull-request review steps, run as written', () => {
  let forge: StandInForge | undefined;
  let hub: TestHub | undefined;
  afterEach(async () => {
    await forge?.close();
    await hub?.server.close();
  });

  async function npmStandIn(): Promise<string> {
    const bin = await mkdtemp(path.join(tmpdir(), 'ops-hub-npm-'));
    const cases = Object.entries(await packageScripts()).flatMap(([name, command]) => {
      const entry = entryScript(command);
      return entry ? [`  ${name}) script=${entry} ;;`] : [];
    });
    const shim = [
      '#!/usr/bin/env bash',
      'set -euo pipefail',
      '[ "$1" = run ] || { echo "npm stand-in: only npm run" >&2; exit 90; }; shift',
      '[ "$1" = --silent ] && shift',
      'name=$1; shift; [ "${1:-}" = -- ] && shift',
      'case $name in',
      ...cases,
      '  *) echo "npm stand-in: no script $name" >&2; exit 91 ;;',
      'esac',
      `exec "${process.execPath}" "${REPO_ROOT}/$script" "$@"`,
    ].join('\n');
    await writeFile(path.join(bin, 'npm'), `${shim}\n`);
    await chmod(path.join(bin, 'npm'), 0o755);
    return bin;
  }

  async function runStep(workflow: Workflow, stepName: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
    const step = steps(workflow).find((s) => s.name === stepName);
    expect(step?.run, `${workflow.file}: step "${stepName}"`).toBeTruthy();
    await exec('bash', ['-eo', 'pipefail', '-c', step!.run!], { cwd, env, maxBuffer: 1 << 26 });
  }

  it.each([
    ['github', '.github/workflows/pr.yml'],
    ['gitea', '.gitea/workflows/pr.yml'],
  ] as [Flavour, string][])('%s: the diff and the sync plan land in ONE comment, edited on the next push', async (flavour, file) => {
    const workflow = (await workflows()).find((w) => w.file === file)!;
    const repo = await fixture();
    await writeFile(path.join(repo, '.gitignore'), '.cache/\n');
    const git = (...args: string[]) => exec('git', ['-C', repo, ...args]).then((r) => r.stdout.trim());
    await git('init', '-q', '-b', 'main');
    await git('config', 'user.email', 'test@example.invalid');
    await git('config', 'user.name', 'ops-hub test');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'base');
    const baseSha = await git('rev-parse', 'HEAD');

    forge = await startForge(flavour, { repo: 'railiance/ops-hub', token: 'workflow-token' });
    hub = await startHub(repo);
    const work = await mkdtemp(path.join(tmpdir(), 'ops-hub-actions-'));
    const env: NodeJS.ProcessEnv = {
      PATH: `${await npmStandIn()}:${process.env['PATH']}`,
      HOME: process.env['HOME'],
      BASE_SHA: baseSha,
      PR: '42',
      GITHUB_REPOSITORY: 'railiance/ops-hub',
      GITHUB_API_URL: forge.api,
      GITHUB_SERVER_URL: forge.origin,
      GITHUB_STEP_SUMMARY: path.join(work, 'summary.md'),
      GITHUB_OUTPUT: path.join(work, 'output'),
      GITHUB_TOKEN: 'workflow-token',
      IHUB_BASE: hub.server.url,
      IHUB_CLIENT_ID: hub.seeded.consumerId,
      OPS_HUB_KEY: hub.key,
    };
    const review = async () => {
      await runStep(workflow, 'Diff against the base', repo, env);
      await runStep(workflow, 'Plan the sync (dry run)', repo, env);
      await runStep(workflow, 'Post the diff as the sticky PR comment', repo, env);
    };

    const service = path.join(repo, 'inventory/services/git.yaml');
    await writeFile(service, (await readFile(service, 'utf8')).replace('status: active', 'status: degraded'));
    await git('commit', '-q', '-am', 'git is degraded');
    await review();
    const first = forge.comments(42);
    expect(first).toHaveLength(1);
    expect(first[0]!.body.startsWith(`${markerFor('diff')}\n`)).toBe(true);
    expect(first[0]!.body).toContain('git');
    expect(first[0]!.body).toContain('Inter-Hub: what merging would sync');
    // Nothing is in the hub yet: the plan would create every widget, and the plan wrote nothing.
    expect(hub.server.snapshot().widgets.filter((w) => w.hubId === hub!.seeded.hubId)).toEqual([]);

    await writeFile(path.join(repo, 'inventory/hosts/new-server.yaml'), 'id: new-server\ntitle: New server\nowner: railiance-infra\npolicyScope: ops-threephoenix\nstatus: planned\nenvironment: prod-new\n');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'a new server');
    await review();
    const second = forge.comments(42);
    expect(second).toHaveLength(1);
    expect(second[0]!.id).toBe(first[0]!.id);
    expect(second[0]!.body).toContain('new-server');
    expect(second[0]!.body).not.toBe(first[0]!.body);
    // A CPU budget, not a wait: two pushes run the diff, the sync plan and the
    // comment as whole processes, which takes 30 s on a loaded 2-core runner.
  }, 180_000);
});
