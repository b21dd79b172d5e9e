import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { displayPathFor, oneOf, parseCommandLine, parseNow, runCommand, UsageError } from '../src/cli/args.ts';
import { openOrRefuse } from '../src/cli/open-or-refuse.ts';
import { discoveredEvidence } from '../src/discover/evidence.ts';
import { findDrift } from '../src/discover/findings.ts';
import { DiscoverInputError } from '../src/discover/input-error.ts';
import { takeSnapshot } from '../src/discover/kubectl.ts';
import { DEFAULT_SYSTEM_NAMESPACES, matchCluster } from '../src/discover/match.ts';
import { discoverReport, evidenceHunks } from '../src/discover/report.ts';
import { clusterScope } from '../src/discover/scope.ts';
import { parseSnapshots } from '../src/discover/snapshot.ts';
import { suggestRecords } from '../src/discover/suggest.ts';
import { fileParseCache } from '../src/load/parse-cache.ts';
import { directorySource } from '../src/load/source.ts';
import { durationSchema, isoSeconds } from '../src/model/time.ts';
import { DISCOVER_FORMATS, renderDiscoverReport } from '../src/output/discover-report.ts';
import { planEvidence, writeEvidence } from '../src/probe/evidence-plan.ts';
import { writeFileAtomic } from '../src/util/atomic-write.ts';

const USAGE = `usage: npm run discover -- (--snapshot FILE [--snapshot FILE…] | --kubectl-context NAME) --cluster ID
         [--write] [--suggest DIR] [--format text|json|md] [--now ISO] [--report FILE] [--root DIR]
         [--max-age DURATION] [--system-namespaces NS[,NS…]] [--no-cache]`;

await runCommand(async () => {
  const args = parseCommandLine(process.argv.slice(2), {
    snapshot: { type: 'string', multiple: true },
    'kubectl-context': { type: 'string' },
    cluster: { type: 'string' },
    write: { type: 'boolean', default: false },
    suggest: { type: 'string' },
    format: { type: 'string' },
    now: { type: 'string' },
    report: { type: 'string' },
    root: { type: 'string', default: '.' },
    'max-age': { type: 'string' },
    'system-namespaces': { type: 'string' },
    'no-cache': { type: 'boolean', default: false },
  }, USAGE);
  const format = oneOf('format', args.format, DISCOVER_FORMATS, 'text');
  const now = parseNow(args.now);
  const clusterId = args.cluster;
  if (!clusterId) throw new UsageError(`--cluster ID is required: the cluster record the snapshot belongs to\n${USAGE}`);
  const snapshots = args.snapshot ?? [];
  const context = args['kubectl-context'];
  if ((snapshots.length > 0) === (context !== undefined)) throw new UsageError(`give either --snapshot FILE (one or more) or --kubectl-context NAME\n${USAGE}`);
  const maxAge = args['max-age'];
  if (maxAge !== undefined && !durationSchema.safeParse(maxAge).success) throw new UsageError(`--max-age must be an ISO 8601 duration such as P7D or PT12H (got "${maxAge}")`);
  const systemNamespaces = args['system-namespaces']?.split(',').map((s) => s.trim()).filter(Boolean) ?? DEFAULT_SYSTEM_NAMESPACES;
  const root = args.root;
  if (args.suggest !== undefined && path.resolve(args.suggest) === path.resolve(root)) {
    throw new UsageError('--suggest DIR must be a folder of its own: review the drafts there, then copy them with cp -r DIR/. .');
  }

  const taken = context !== undefined ? await takeSnapshot(context) : undefined;
  const snapshot = parseSnapshots(taken ? [taken] : await Promise.all(snapshots.map(readSnapshot)));
  const cache = args['no-cache'] ? undefined : await fileParseCache(root);
  const opened = await openOrRefuse(root, { now, nowGiven: args.now !== undefined, ...(cache ? { cache } : {}), refusal: 'discover: the inventory has errors (see npm run validate); nothing was discovered or written' });
  if (!opened) return 1;
  const scope = clusterScope(opened.graph, clusterId);

  const match = matchCluster(opened.graph, scope, snapshot, systemNamespaces);
  const drift = findDrift(match, now);
  const evidence = discoveredEvidence(match, { now, ...(maxAge ? { maxAge } : {}) });
  const options = cache ? { cache } : {};
  const planned = await planEvidence(directorySource(root), opened, evidence.targets, { ...options, fields: evidence.fields });
  const plan = args.write ? await writeEvidence(root, planned, options) : planned;
  const suggestions = args.suggest !== undefined ? suggestRecords(opened.graph, match) : undefined;
  for (const draft of suggestions?.drafts ?? []) await writeFileAtomic(path.join(args.suggest!, draft.file), draft.text);

  const report = discoverReport({
    cluster: clusterId,
    observedAt: isoSeconds(now),
    written: args.write,
    snapshot,
    unserved: taken?.unserved ?? [],
    drift,
    skipped: evidence.skipped,
    plan,
    ...(suggestions ? { suggestions: { dir: args.suggest!, result: suggestions } } : {}),
  });
  const view = { report, hunks: evidenceHunks(plan), displayPath: displayPathFor(root) };
  if (args.report) await writeFileAtomic(args.report, renderDiscoverReport(view, 'json'));
  process.stdout.write(renderDiscoverReport(view, format));
  return report.ok ? 0 : 1;
});

async function readSnapshot(file: string): Promise<{ file: string; text: string }> {
  try {
    return { file, text: await readFile(file, 'utf8') };
  } catch (err) {
    throw new DiscoverInputError('snapshot-unreadable', `${file}: cannot read the snapshot (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
