import { describe, expect, it } from 'vitest';
import { markdownToSafeHtml } from '../src/site/markdown.ts';
import { normaliseBase } from '../src/site/site-config.ts';
import { flattenFields } from '../src/views/fields.ts';
import { evidenceFreshness, gateRows, statedDisagrees, waveSummary } from '../src/views/gates.ts';
import { mermaidLabel, topologyMermaid, topologyOf } from '../src/views/topology.ts';
import { MINIMAL, open } from './helpers/fixture.ts';

describe('topology view', () => {
  it('draws environment → host → cluster → service → endpoint, stores and backups, with markers', async () => {
    const { graph } = await open(MINIMAL);
    const t = topologyOf(graph);
    expect(t.nodes.map((n) => n.id)).toEqual(['prod-new', 'prod-old', 'old-server', 'old-k3s', 'git', 'git-db', 'registry', 'registry-v2', 'git-db-nightly']);
    expect(t.edges.map((e) => `${e.from}→${e.to}:${e.field}`).sort()).toEqual([
      'git-db→git-db-nightly:service', 'git→git-db:datastores', 'old-k3s→git-db:cluster', 'old-k3s→git:cluster', 'old-k3s→registry:cluster',
      'old-server→old-k3s:hosts', 'prod-old→old-server:environment', 'registry→git:dependsOn', 'registry→registry-v2:service',
    ]);
    expect(t.nodes.find((n) => n.id === 'git')!.markers).toEqual(['⚠ 1 open risk']);
    expect(t.nodes.find((n) => n.id === 'registry')!.markers).toEqual(['✔ gate passed']);
  });

  it('filters by environment and caps large diagrams with counts', async () => {
    const { graph } = await open(MINIMAL);
    expect(topologyOf(graph, { environment: 'prod-new' }).nodes.map((n) => n.id)).toEqual(['prod-new']);
    const capped = topologyOf(graph, { maxNodes: 3 });
    expect(capped.nodes).toHaveLength(3);
    expect(capped.omitted).toEqual({ cluster: 1, service: 3, endpoint: 1, 'backup-set': 1 });
  });

  it('emits mermaid with positional ids, escaped labels, links and marks', async () => {
    const { graph } = await open(MINIMAL);
    const t = topologyOf(graph, { only: new Set(['git', 'git-db']), marks: new Map([['git', 'changed']]) });
    expect(topologyMermaid(t, graph, { href: (id) => `/x/${id}/` })).toBe(
      [
        'flowchart LR',
        '  n0[("service: Git hosting<br/>(changed)<br/>⚠ 1 open risk")]',
        '  n1[("service: Git database<br/>… gate pending")]',
        '  n0 ==>|stores data in| n1',
        '  classDef added fill:#dff5e3,stroke:#1a7f37,stroke-width:3px',
        '  classDef removed fill:#ffe2e0,stroke:#cf222e,stroke-width:3px,stroke-dasharray:5 3',
        '  classDef changed fill:#fff4d6,stroke:#9a6700,stroke-width:3px',
        '  class n0 changed',
        '  click n0 href "/x/git/"',
        '  click n1 href "/x/git-db/"',
        '',
      ].join('\n'),
    );
  });

  it('escapes everything that could end a label or become markup, and keeps the rest as written', () => {
    expect(mermaidLabel('a "b" <i>c</i> [d] {e} (f) |g| `h`\nnext & more #1;')).toBe(
      'a &quot;b&quot; &lt;i&gt;c&lt;/i&gt; [d] {e} (f) |g| &grave;h&grave; next &amp; more &num;1;',
    );
  });
});

describe('gate and field views', () => {
  it('summarise waves and evidence age', async () => {
    const { graph } = await open(MINIMAL, Date.parse('2026-07-25T00:00:00Z'));
    const [wave] = graph.waveReadiness();
    expect(waveSummary(wave!)).toBe('0/2 gates passed');
    const [row] = gateRows(graph, [graph.byKind('readiness-gate').find((g) => g.id === 'registry-ready')!]);
    expect(statedDisagrees(row!.status)).toBe(true);
    expect(evidenceFreshness(row!.status.requirements[0]!.latest!, graph.now)).toEqual({
      observedAt: '2026-06-20T08:00:00Z', age: '34 d', freshness: 'expired 4 d ago', expired: true,
    });
  });

  it('flatten nested fields by path', () => {
    expect([...flattenFields({ expect: { status: 401, headers: { A: 'b' } }, requires: [{ name: 'x' }], tags: ['a', 'b'] })]).toEqual([
      ['expect.status', 401], ['expect.headers.A', 'b'], ['requires[0].name', 'x'], ['tags', ['a', 'b']],
    ]);
  });
});

describe('site helpers', () => {
  it('sanitize Markdown', () => {
    const html = markdownToSafeHtml('# T\n\n<script>x()</script>\n\n[a](javascript:x()) [b](https://ok.test/) ![i](https://far.test/i.png) ![j](local.png)');
    expect(html).not.toMatch(/script|javascript:|far\.test/);
    expect(html).toContain('<a href="https://ok.test/" rel="noopener noreferrer">b</a>');
    expect(html).toContain('<h1>T</h1>');
  });

  it('normalise the base path', () => {
    expect(['/', '', 'ops-hub', '/ops-hub', 'ops-hub/', '//a/b//'].map(normaliseBase)).toEqual(['/', '/', '/ops-hub/', '/ops-hub/', '/ops-hub/', '/a/b/']);
  });
});
