import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, commandFile } from './helpers/cli.ts';
import { REPO_ROOT } from './helpers/fixture.ts';

/** `npm run interhub:dev` as an operator starts it: a process, its printed rehearsal lines, Ctrl-C. */
async function startDevCommand(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; output: string }> {
  const child = spawn(process.execPath, [commandFile('interhub-dev'), '--port', '0', ...args], { cwd: REPO_ROOT, env });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ctrl-C stops it.')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`interhub:dev exited ${code}: ${output}`)));
  });
  return { child, output };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

/** Whole processes, as operators run them: on a busy shared machine that takes a while. */
describe('npm run interhub:dev', { timeout: 120_000 }, () => {
  const running: ChildProcess[] = [];
  afterEach(() => {
    for (const child of running.splice(0)) child.kill('SIGKILL');
  });

  it('serves a seeded hub to rehearse a sync, injects the faults asked for, and keeps its state in --data across restarts', async () => {
    const key = `dev-${randomBytes(16).toString('hex')}`;
    const data = path.join(await mkdtemp(path.join(tmpdir(), 'ops-hub-dev-')), 'state.json');
    const env = { PATH: process.env['PATH'], HOME: process.env['HOME'], OPS_HUB_KEY: key };

    const first = await startDevCommand(['--seed-hub', '--data', data, '--gate', 'closed', '--rate-limit-every', '4', '--retry-after', '0'], env);
    running.push(first.child);
    expect(first.output).toMatch(/Inter-Hub dev server on http:\/\/127\.0\.0\.1:\d+ \(bootstrap gate closed, state in /);
    expect(first.output).toContain('faults: rateLimitEvery=4, retryAfterS=0');
    const [, base, clientId] = first.output.match(/export IHUB_BASE=(\S+) IHUB_CLIENT_ID=(\S+)/)!;
    const ihub = { ...env, IHUB_BASE: base!, IHUB_CLIENT_ID: clientId! };

    const gate = await cli('probe-gate.ts', ['--base', base!], { env });
    expect(gate.code).toBe(1);
    expect(JSON.parse(gate.stdout).status).toBe('closed');

    const apply = await cli('sync.ts', ['--apply', '--format', 'json'], { env: ihub });
    expect(apply.code, apply.stderr).toBe(0);
    const created = JSON.parse(apply.stdout).counts.widgets['plan:create'];
    expect(created).toBeGreaterThan(30);
    expect(apply.stdout + apply.stderr).not.toContain(key);
    expect(await stop(first.child)).toBe(0);
    expect((JSON.parse(await readFile(data, 'utf8')) as { widgets: unknown[] }).widgets).toHaveLength(created);

    const second = await startDevCommand(['--data', data, '--port', '0'], env);
    running.push(second.child);
    const again = await cli('sync.ts', ['--apply', '--format', 'json'], { env: { ...ihub, IHUB_BASE: second.output.match(/on (http:\/\/\S+)/)![1]! } });
    expect(again.code, again.stderr).toBe(0);
    const counts = JSON.parse(again.stdout).counts;
    expect(counts.widgets).toEqual({ 'plan:unchanged': created, unchanged: created });
    expect(Object.keys(counts.events).filter((k) => k.startsWith('plan:'))).toEqual(['plan:present']);
    expect(await stop(second.child)).toBe(0);
  });

  it('serves a deployment that differs: routes that need a token, routes it lacks, extra fields, a route answering a fixed status', async () => {
    const env = { PATH: process.env['PATH'], HOME: process.env['HOME'] };
    const dev = await startDevCommand(['--needs-token', '/widget-types,/event-types', '--without', '/policy-scopes', '--extra-fields', '--route-status', '/annotation-categories=501'], env);
    running.push(dev.child);
    expect(dev.output).toContain('faults: routeStatus={"annotationCategories":501}');
    expect(dev.output).toContain('deployment: tokenRoutes=["widgetTypes","eventTypes"], absentRoutes=["policyScopes"], extraFields=true');
    const base = dev.output.match(/on (http:\/\/\S+)/)![1]!;
    const status = async (p: string) => (await fetch(`${base}/api/v2${p}`)).status;
    expect([await status('/widget-types'), await status('/event-types'), await status('/policy-scopes'), await status('/annotation-categories')]).toEqual([401, 401, 404, 501]);
    const hubs = (await (await fetch(`${base}/api/v2/hub-registry`)).json()) as { revision?: number; meta: { extensions?: unknown } };
    expect(hubs.revision).toBe(7);
    expect(hubs.meta.extensions).toBeDefined();
    const openapi = (await (await fetch(`${base}/api/v2/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toContain('/widgets');
    expect(Object.keys(openapi.paths)).not.toContain('/policy-scopes');
    expect(await stop(dev.child)).toBe(0);
  });

  it('drops one method of a route and renames a request field, in what it serves and in its OpenAPI', async () => {
    const env = { PATH: process.env['PATH'], HOME: process.env['HOME'] };
    const dev = await startDevCommand(['--without', 'POST /annotations', '--rename-field', 'POST /widgets widgetType=type'], env);
    running.push(dev.child);
    expect(dev.output).toContain('deployment: absentOperations=[{"method":"POST","route":"annotations"}], renamedFields=[{"method":"POST","route":"widgets","from":"widgetType","to":"type"}]');
    const base = dev.output.match(/on (http:\/\/\S+)/)![1]!;
    type Doc = { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref: string } }> } }>>; components: { schemas: Record<string, { required: string[] }> } };
    const doc = (await (await fetch(`${base}/api/v2/openapi.json`)).json()) as Doc;
    expect(Object.keys(doc.paths['/annotations']!)).toEqual(['get']);
    const ref = doc.paths['/widgets']!['post']!.requestBody!.content['application/json']!.schema.$ref;
    expect(doc.components.schemas[ref.split('/').pop()!]!.required).toEqual(['hubId', 'name', 'type']);
    const post = await fetch(`${base}/api/v2/annotations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(post.status).toBe(405);
    expect(await stop(dev.child)).toBe(0);
  });

  it('rejects bad flags with exit 2', async () => {
    const cases: Array<[flags: string[], message: string]> = [
      [['--fail-every', 'often'], '--fail-every must be a whole number'],
      [['--without', '/policy-scope'], '--without: "/policy-scope" is not a route of the dev server'],
      [['--without', 'PUT /widgets'], '--without: "PUT /widgets" must start with one of GET, POST'],
      [['--rename-field', 'POST /widgets widgetType'], "--rename-field: \"POST /widgets widgetType\" is not 'METHOD PATH FROM=TO'"],
    ];
    for (const [flags, message] of cases) {
      const result = await cli('interhub-dev.ts', ['--port', '0', ...flags], { env: { PATH: process.env['PATH'] } });
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stderr, flags.join(' ')).toContain(message);
    }
  });
});
