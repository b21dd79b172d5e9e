import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterHubDevServer } from '../src/interhub/dev/server.ts';
import { isoSeconds } from '../src/model/time.ts';
import { probeEndpoint, type ProbeTarget } from '../src/probe/probe-endpoint.ts';
import { isProbeEvidenceFor } from '../src/probe/refresh.ts';
import { spliceEvidence } from '../src/probe/write-evidence.ts';
import { cli } from './helpers/cli.ts';
import { fixture, open } from './helpers/fixture.ts';
import { closedPort, hasOpenssl, selfSignedCertificate, startServer, startTlsServer, type LocalServer } from './helpers/local-server.ts';

const GOLDEN = path.resolve(import.meta.dirname, 'golden/probe');
const NOW_ISO = '2026-07-01T00:00:00Z';
const REGISTRY_HEADER = { 'Docker-Distribution-Api-Version': 'registry/2.0' };

/** A registry-like host: /v2/ answers 401 with the registry header, /bare/ without it, /hang/ never. */
let registry: LocalServer;
const seenUrls: string[] = [];
beforeAll(async () => {
  registry = await startServer((req, res) => {
    seenUrls.push(req.url ?? '');
    if (req.url?.startsWith('/v2/')) {
      res.writeHead(401, REGISTRY_HEADER);
      res.end('{"errors":"a body the probe must never record"}');
    } else if (req.url?.startsWith('/bare/')) {
      res.writeHead(401, { 'Docker-Distribution-Api-Version': 'registry/1.0' });
      res.end();
    } else if (req.url?.startsWith('/hang/')) {
      // never answers
    } else {
      res.writeHead(404);
      res.end('not here');
    }
  });
});
afterAll(() => registry.close());

const target = (url: string, expect: ProbeTarget['expect'] = { status: 401, headers: REGISTRY_HEADER }): ProbeTarget => ({ id: 'registry-v2', url, method: 'GET', expect });

describe('probing one endpoint', () => {
  it('records status, matched headers and latency when the answer meets the expectation', async () => {
    const o = await probeEndpoint(target(`${registry.origin}/v2/?page=1`), { timeoutMs: 5_000 });
    expect(o).toMatchObject({ matched: true, status: 401, headersMatched: ['Docker-Distribution-Api-Version: registry/2.0'], headersMissing: [], url: `${registry.origin}/v2/` });
    expect(o.latencyMs).toBeGreaterThanOrEqual(0);
    expect(o.certExpiresAt).toBeUndefined();
    expect(JSON.stringify(o)).not.toMatch(/page=1|never record/);
  });

  it('fails on a wrong status', async () => {
    const o = await probeEndpoint(target(`${registry.origin}/gone/`), { timeoutMs: 5_000 });
    expect(o).toMatchObject({ matched: false, status: 404 });
    expect(o.summary).toMatch(/^answered 404, expected 401 without the expected Docker-Distribution-Api-Version in \d+ ms$/);
  });

  it('fails when an expected header is missing or has another value', async () => {
    const o = await probeEndpoint(target(`${registry.origin}/bare/`), { timeoutMs: 5_000 });
    expect(o).toMatchObject({ matched: false, status: 401, headersMatched: [], headersMissing: ['Docker-Distribution-Api-Version'] });
  });

  it('gives up on a host that never answers', async () => {
    const o = await probeEndpoint(target(`${registry.origin}/hang/`), { timeoutMs: 300 });
    expect(o).toMatchObject({ matched: false, error: 'no answer within 300 ms' });
    expect(o.status).toBeUndefined();
  });

  it('reports a refused connection', async () => {
    const o = await probeEndpoint(target(`http://127.0.0.1:${await closedPort()}/v2/`), { timeoutMs: 2_000 });
    expect(o).toMatchObject({ matched: false, error: 'connection refused', summary: 'expected 401: connection refused' });
  });

  it('never requests a URL that holds credentials', async () => {
    const before = seenUrls.length;
    const o = await probeEndpoint(target(`http://ops:hunter2@127.0.0.1:${registry.port}/v2/`), { timeoutMs: 2_000 });
    expect(o).toMatchObject({ matched: false, error: 'refused: the URL holds credentials', url: `${registry.origin}/v2/` });
    expect(seenUrls.length).toBe(before);
  });
});

describe.skipIf(!(await hasOpenssl()))('probing over TLS', () => {
  let tls: Awaited<ReturnType<typeof selfSignedCertificate>>;
  let server: LocalServer;
  beforeAll(async () => {
    tls = await selfSignedCertificate(3);
    server = await startTlsServer((_req, res) => {
      res.writeHead(401, REGISTRY_HEADER);
      res.end();
    }, tls);
  });
  afterAll(() => server?.close());

  it('reads the certificate expiry when the certificate is trusted (--ca)', async () => {
    const o = await probeEndpoint(target(`${server.origin}/v2/`), { timeoutMs: 5_000, ca: [tls.cert] });
    const notAfter = new X509Certificate(tls.cert).validToDate.getTime();
    expect(o).toMatchObject({ matched: true, status: 401, certExpiresAt: isoSeconds(notAfter) });
    // Short-lived on purpose: about three days from now, not some default.
    expect(notAfter - Date.now()).toBeGreaterThan(2 * 86_400_000);
    expect(notAfter - Date.now()).toBeLessThan(4 * 86_400_000);
  });

  it('fails on a certificate it does not trust, still dating it', async () => {
    const o = await probeEndpoint(target(`${server.origin}/v2/`), { timeoutMs: 5_000 });
    expect(o.matched).toBe(false);
    expect(o.status).toBeUndefined();
    expect(o.error).toMatch(/^TLS certificate not trusted \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)$/);
    expect(o.certExpiresAt).toBe(isoSeconds(new X509Certificate(tls.cert).validToDate.getTime()));
  });

  it('trusts --ca FILE on the command line, and fails without it', async () => {
    const dir = await fixture({ 'inventory/endpoints/registry-v2.yaml': registryRecord(`${server.origin}/v2/`) });
    const trusted = await cli('probe.ts', ['--root', dir, '--now', NOW_ISO, '--ca', tls.certFile]);
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(trusted.stdout).toContain('certificate valid until');
    const untrusted = await cli('probe.ts', ['--root', dir, '--now', NOW_ISO]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toMatch(/TLS certificate not trusted/);
  });
});

function registryRecord(url: string, extra = ''): string {
  return [
    'id: registry-v2', 'title: Registry API root', 'owner: railiance-apps', 'policyScope: ops-registry', 'status: active',
    'service: registry', `url: ${url}`, 'expect:', '  status: 401', '  headers:', '    Docker-Distribution-Api-Version: registry/2.0', extra,
  ].join('\n');
}

describe('npm run probe', () => {
  it('prints what would change without writing, and exits 0 when every probe matched', async () => {
    const dir = await fixture({ 'inventory/endpoints/registry-v2.yaml': registryRecord(`${registry.origin}/v2/`) });
    const before = await readFile(path.join(dir, 'inventory/endpoints/registry-v2.yaml'), 'utf8');
    const r = await cli('probe.ts', ['--root', dir, '--now', NOW_ISO]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`✔ registry-v2: ${registry.origin}/v2/ — GET answered 401 with Docker-Distribution-Api-Version: registry/2.0`);
    expect(r.stdout).toContain('Evidence that would change (run with --write to record it):');
    expect(r.stdout).toContain('+  - result: pass');
    expect(r.stdout).toContain('registry-ready: passed — all 1 requirement(s) have fresh passing evidence; goes stale on 2026-07-08 (in 7 d)');
    expect(await readFile(path.join(dir, 'inventory/endpoints/registry-v2.yaml'), 'utf8')).toBe(before);
  });

  it('exits 1 when a probe does not match, and records the failure', async () => {
    const dir = await fixture({ 'inventory/endpoints/registry-v2.yaml': registryRecord(`http://127.0.0.1:${await closedPort()}/v2/`) });
    const r = await cli('probe.ts', ['--root', dir, '--now', NOW_ISO, '--write', '--report', path.join(dir, 'report.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✖ 1 of 1 probe(s) did not meet their expectation');
    const { graph } = await open(dir);
    expect(graph.gateStatus('registry-ready')!.effective).toBe('failed');
    const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ ok: false, written: true, counts: { probed: 1, matched: 0, notMatched: 1 }, gates: [{ id: 'registry-ready', effective: 'failed' }] });
    expect(report.probes[0].observed).toEqual({ error: 'connection refused' });
  });

  it('exits 2 on usage errors, with a did-you-mean for unknown ids', async () => {
    const dir = await fixture({ 'inventory/endpoints/registry-v2.yaml': registryRecord(`${registry.origin}/v2/`) });
    const typo = await cli('probe.ts', ['--root', dir, '--only', 'registry-v3']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--only: no endpoint or probed gate has the id "registry-v3" — did you mean "registry-v2"?');
    const service = await cli('probe.ts', ['--root', dir, '--only', 'registry']);
    expect(service.code).toBe(2);
    expect(service.stderr).toContain('"registry" is a service');
    for (const args of [['--timeout-ms', '0'], ['--max-age', '7 days'], ['--gate-base', 'http://127.0.0.1:1'], ['--ca', path.join(dir, 'nope.pem')], ['--bogus']]) {
      expect((await cli('probe.ts', ['--root', dir, ...args])).code, args.join(' ')).toBe(2);
    }
  });

  it('takes --only as repeated or comma-separated ids', async () => {
    const second = registryRecord(`${registry.origin}/gone/`).replace('id: registry-v2', 'id: registry-gone').replace('status: 401', 'status: 404').replace(/\n {2}headers:\n.*$/m, '');
    const dir = await fixture({ 'inventory/endpoints/registry-v2.yaml': registryRecord(`${registry.origin}/v2/`), 'inventory/endpoints/registry-gone.yaml': second });
    const one = await cli('probe.ts', ['--root', dir, '--only', 'registry-gone', '--now', NOW_ISO]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).not.toContain('registry-v2:');
    const both = await cli('probe.ts', ['--root', dir, '--only', 'registry-gone,registry-v2', '--now', NOW_ISO]);
    expect(both.stdout).toContain('✔ all 2 probe(s) met their expectation');
    const repeated = await cli('probe.ts', ['--root', dir, '--only', 'registry-gone', '--only', 'registry-v2', '--now', NOW_ISO]);
    expect(repeated.stdout).toContain('✔ all 2 probe(s) met their expectation');
  });

  it('refuses an inventory with errors, such as credentials in a URL, probing nothing', async () => {
    const dir = await fixture({ 'inventory/endpoints/registry-v2.yaml': registryRecord(`http://ops:hunter2@127.0.0.1:${registry.port}/v2/`) });
    const before = seenUrls.length;
    const r = await cli('probe.ts', ['--root', dir, '--now', NOW_ISO, '--write']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('secret-value');
    expect(r.stderr).toContain('nothing was probed or written');
    expect(`${r.stdout}${r.stderr}`).not.toContain('hunter2');
    expect(seenUrls.length).toBe(before);
  });

  it('--write edits the record in place: only the probe item changes (golden file)', async () => {
    const port = String(registry.port);
    const input = (await readFile(path.join(GOLDEN, 'registry-v2.before.yaml'), 'utf8')).replaceAll('PORT', port);
    const dir = await fixture({ 'inventory/endpoints/registry-v2.yaml': input });
    const r = await cli('probe.ts', ['--root', dir, '--now', NOW_ISO, '--write']);
    expect(r.code, r.stderr).toBe(0);
    const written = await readFile(path.join(dir, 'inventory/endpoints/registry-v2.yaml'), 'utf8');
    // The only things that vary between runs: the server's port and the measured latency.
    const normalised = written.replaceAll(port, 'PORT').replace(/ in \d+ ms'/, " in LATENCY ms'").replace(/latencyMs: \d+/, 'latencyMs: LATENCY');
    expect(normalised).toBe(await readFile(path.join(GOLDEN, 'registry-v2.after.yaml'), 'utf8'));

    // A second run refreshes the same item instead of appending another.
    const again = await cli('probe.ts', ['--root', dir, '--now', '2026-07-02T00:00:00Z', '--write']);
    expect(again.code, again.stderr).toBe(0);
    const { graph } = await open(dir, Date.parse('2026-07-02T00:00:00Z'));
    const evidence = (graph.get('registry-v2')!.data as { evidence: Array<{ source: { probe?: string }; observedAt: string }> }).evidence;
    expect(evidence.map((e) => e.observedAt)).toEqual(['2026-06-20T08:00:00Z', '2026-07-02T00:00:00Z', '2026-06-26T09:00:00Z']);
    expect(evidence.filter((e) => e.source.probe).length).toBe(1);
  });

  it('makes the gate pass, then go stale once --now passes the max age', async () => {
    const dir = await fixture({ 'inventory/endpoints/registry-v2.yaml': registryRecord(`${registry.origin}/v2/`) });
    expect((await cli('probe.ts', ['--root', dir, '--now', NOW_ISO, '--write', '--max-age', 'P3D'])).code).toBe(0);
    expect((await open(dir, Date.parse('2026-07-03T23:00:00Z'))).graph.gateStatus('registry-ready')!.effective).toBe('passed');
    const going = await cli('validate.ts', ['--root', dir, '--now', '2026-07-02T00:00:00Z', '--no-cache']);
    expect(going.stdout).toContain('gate-going-stale: goes stale on 2026-07-04 (in 2 d)');
    expect((await open(dir, Date.parse('2026-07-04T00:00:01Z'))).graph.gateStatus('registry-ready')!.effective).toBe('stale');
    const stale = await cli('validate.ts', ['--root', dir, '--now', '2026-07-05T00:00:00Z', '--no-cache']);
    expect(stale.stdout).toContain('status says "passed", but the evidence makes it "stale"');
  });
});

describe('the Inter-Hub bootstrap gate probe', () => {
  const gateFixture = async (hubsUrl: string) => {
    const gate = (await readFile(path.join(GOLDEN, 'gate.before.yaml'), 'utf8')).replace('owner: inter-hub', 'owner: railiance-apps').replace('policyScope: ops-threephoenix', 'policyScope: ops-registry').replace('concerns: [inter-hub, inter-hub-hubs, inter-hub-openapi]', 'concerns: [inter-hub-hubs]');
    const hubs = ['id: inter-hub-hubs', 'title: Inter-Hub hubs API', 'owner: railiance-apps', 'policyScope: ops-registry', 'status: planned', 'service: registry', `url: ${hubsUrl}`, 'expect:', '  status: 401', ''].join('\n');
    return fixture({ 'gates/inter-hub-production-api.yaml': gate, 'inventory/endpoints/inter-hub-hubs.yaml': hubs, 'inventory/endpoints/registry-v2.yaml': registryRecord(`${registry.origin}/v2/`) });
  };

  it('records an open gate on the gate record, from the origin of the gate endpoint', async () => {
    const hub = await InterHubDevServer.start({ gateOpen: true });
    try {
      const dir = await gateFixture(`${hub.url}/api/v2/hubs`);
      const r = await cli('probe.ts', ['--root', dir, '--now', NOW_ISO, '--write']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const { graph } = await open(dir);
      const gate = graph.get('inter-hub-production-api')!.data as { evidence: Array<Record<string, unknown>> };
      expect(gate.evidence.at(-1)).toEqual({
        requirement: 'openapi-lists-bootstrap-paths',
        result: 'pass',
        observedAt: NOW_ISO,
        maxAge: 'P7D',
        summary: expect.stringMatching(/^gate open: GET \/api\/v2\/hubs answers 401 unauthenticated/),
        source: { probe: 'probe', url: `${hub.url}/api/v2/openapi.json` },
        observed: { gate: 'open', hubsStatus: 401 },
      });
      // The human evidence stays; the endpoint probe of /hubs meets the other requirement.
      expect(gate.evidence[0]).toMatchObject({ source: { workplan: 'OPS-WP-0002' } });
      expect(graph.gateStatus('inter-hub-production-api')!.effective).toBe('passed');
    } finally {
      await hub.close();
    }
  });

  it('records a closed gate as failing evidence, with --only and --gate-base', async () => {
    const hub = await InterHubDevServer.start({ gateOpen: false });
    try {
      const dir = await gateFixture(`http://127.0.0.1:${await closedPort()}/api/v2/hubs`);
      const r = await cli('probe.ts', ['--root', dir, '--now', NOW_ISO, '--write', '--only', 'inter-hub-production-api', '--gate-base', hub.url]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('✖ inter-hub-production-api [openapi-lists-bootstrap-paths]');
      const { graph } = await open(dir);
      const gate = graph.get('inter-hub-production-api')!.data as { evidence: Array<Record<string, unknown>> };
      expect(gate.evidence.at(-1)).toMatchObject({
        result: 'fail',
        observed: { gate: 'closed', hubsStatus: 404, missingPaths: ['/hubs', '/hub-capability-manifests', '/api-consumers', '/policy-scopes'] },
      });
      expect(graph.gateStatus('inter-hub-production-api')!.effective).toBe('failed');
      // --only left the endpoint alone.
      expect((graph.get('inter-hub-hubs')!.data as { evidence?: unknown[] }).evidence).toBeUndefined();
    } finally {
      await hub.close();
    }
  });
});

describe('the text-level evidence edit', () => {
  const item = {
    requirement: 'openapi-lists-bootstrap-paths',
    result: 'fail' as const,
    observedAt: NOW_ISO,
    maxAge: 'P7D',
    summary: 'gate closed: GET /api/v2/hubs answers 404, not 401: the bootstrap API is not deployed; the OpenAPI does not list /hubs',
    source: { probe: 'probe' as const, url: 'https://hub.example.test/api/v2/openapi.json' },
    observed: { gate: 'closed', hubsStatus: 404, missingPaths: ['/hubs'] },
  };

  it('appends to a gate record and keeps every other byte (golden file)', async () => {
    const before = await readFile(path.join(GOLDEN, 'gate.before.yaml'), 'utf8');
    const first = spliceEvidence(before, item, isProbeEvidenceFor(item.requirement));
    expect(first.action).toBe('add');
    expect(first.text).toBe(await readFile(path.join(GOLDEN, 'gate.after.yaml'), 'utf8'));
    // Refreshing replaces that item in place; the human item for the same requirement stays.
    const second = spliceEvidence(first.text, { ...item, result: 'pass', observedAt: '2026-07-02T00:00:00Z' }, isProbeEvidenceFor(item.requirement));
    expect(second.action).toBe('replace');
    expect(second.text).toBe(first.text.replace('result: fail\n    observedAt: 2026-07-01T00:00:00Z', 'result: pass\n    observedAt: 2026-07-02T00:00:00Z'));
    expect(second.hunks).toHaveLength(1);
    expect(second.hunks[0]!.line).toBe(first.text.split('\n').lastIndexOf('  - requirement: openapi-lists-bootstrap-paths') + 1);
  });

  it('writes a block list where there was none, an empty one, or a flow one', () => {
    const probe = { result: 'pass' as const, observedAt: NOW_ISO, summary: 'ok', source: { probe: 'probe' as const } };
    const block = '# c\nevidence:\n  - result: pass\n    observedAt: 2026-07-01T00:00:00Z\n    summary: ok\n    source: { probe: probe }\n';
    expect(spliceEvidence('id: x # keep\n', probe, isProbeEvidenceFor(undefined)).text).toBe(`id: x # keep\n${block.slice(4)}`);
    expect(spliceEvidence('id: x\nevidence: []\n# c\n', probe, isProbeEvidenceFor(undefined)).text).toBe(`id: x\n${block.slice(4)}# c\n`);
    const flow = spliceEvidence('id: x\nevidence: [{ result: fail, observedAt: 2026-06-01, summary: old, source: { probe: probe } }]\nz: 1\n', probe, isProbeEvidenceFor(undefined));
    expect(flow.action).toBe('replace');
    expect(flow.text).toBe(`id: x\n${block.slice(4)}z: 1\n`);
  });

  it('keeps CRLF line ends and refuses what it cannot edit safely', () => {
    const probe = { result: 'pass' as const, observedAt: NOW_ISO, summary: 'ok', source: { probe: 'probe' as const } };
    const crlf = spliceEvidence('id: x\r\nevidence:\r\n  - result: fail\r\n    observedAt: 2026-06-01\r\n    summary: human\r\n    source: { workplan: W }\r\n', probe, isProbeEvidenceFor(undefined));
    expect(crlf.text.split('\r\n').length).toBe(crlf.text.split('\n').length);
    expect(crlf.text).toContain('  - result: pass\r\n    observedAt: 2026-07-01T00:00:00Z\r\n');
    expect(() => spliceEvidence('[1, 2]\n', probe, isProbeEvidenceFor(undefined))).toThrow(/not a block mapping/);
    expect(() => spliceEvidence('id: [\n', probe, isProbeEvidenceFor(undefined))).toThrow(/does not parse/);
  });
});
