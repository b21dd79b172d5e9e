import { readFile } from 'node:fs/promises';
import { displayPathFor, parseCommandLine, parseNow, positiveInteger, runCommand, UsageError } from '../src/cli/args.ts';
import { openOrRefuse } from '../src/cli/open-or-refuse.ts';
import { fileParseCache } from '../src/load/parse-cache.ts';
import { directorySource } from '../src/load/source.ts';
import { durationSchema } from '../src/model/time.ts';
import { renderProbeReport } from '../src/output/probe-report.ts';
import { planEvidence, writeEvidence } from '../src/probe/evidence-plan.ts';
import { probeReport } from '../src/probe/report.ts';
import { evidenceTargets, runProbes, selectProbes } from '../src/probe/run-probes.ts';
import { writeFileAtomic } from '../src/util/atomic-write.ts';
import { interHubBase } from '../src/sync/config.ts';

const USAGE = `usage: npm run probe -- [--only ID[,ID…]]… [--write] [--report FILE] [--now ISO] [--root DIR]
         [--gate-base URL] [--ca FILE]… [--timeout-ms N] [--concurrency N] [--max-age DURATION] [--skip-loopback] [--no-cache]`;

await runCommand(async () => {
  const args = parseCommandLine(process.argv.slice(2), {
    only: { type: 'string', multiple: true },
    write: { type: 'boolean', default: false },
    report: { type: 'string' },
    now: { type: 'string' },
    root: { type: 'string', default: '.' },
    'gate-base': { type: 'string' },
    ca: { type: 'string', multiple: true },
    'timeout-ms': { type: 'string' },
    concurrency: { type: 'string' },
    'max-age': { type: 'string' },
    'skip-loopback': { type: 'boolean', default: false },
    'no-cache': { type: 'boolean', default: false },
  }, USAGE);
  const now = parseNow(args.now);
  const timeoutMs = positiveInteger('timeout-ms', args['timeout-ms'], 10_000);
  const concurrency = positiveInteger('concurrency', args.concurrency, 8);
  const maxAge = args['max-age'];
  if (maxAge !== undefined && !durationSchema.safeParse(maxAge).success) throw new UsageError(`--max-age must be an ISO 8601 duration such as P7D or PT12H (got "${maxAge}")`);
  const gateBase = args['gate-base'] === undefined ? undefined : interHubBase(args['gate-base'], '--gate-base');
  const ca = await Promise.all((args.ca ?? []).map(readCa));
  const only = args.only?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');

  const root = args.root;
  const source = directorySource(root);
  const displayPath = displayPathFor(root);
  const cache = args['no-cache'] ? undefined : await fileParseCache(root);
  const opened = await openOrRefuse(root, { now, nowGiven: args.now !== undefined, ...(cache ? { cache } : {}), refusal: 'probe: the inventory has errors (see npm run validate); nothing was probed or written' });
  if (!opened) return 1;
  const selection = selectProbes(opened.graph, { ...(only ? { only } : {}), skipLoopback: args['skip-loopback'], ...(gateBase ? { gateBase } : {}) });

  const run = await runProbes(selection, { timeoutMs, concurrency, ca, now });
  const planned = await planEvidence(source, opened, evidenceTargets(opened.graph, run, maxAge), cache ? { cache } : {});
  const plan = args.write ? await writeEvidence(root, planned, { ...(cache ? { cache } : {}), retarget: (graph) => evidenceTargets(graph, run, maxAge) }) : planned;
  const report = probeReport(run, selection, plan, plan.after.graph, args.write);
  const view = { report, hunks: plan.changes.map((c) => c.hunks), now: plan.after.graph.now, displayPath };
  if (args.report) await writeFileAtomic(args.report, renderProbeReport(view, 'json'));
  process.stdout.write(renderProbeReport(view, 'text'));
  return report.ok ? 0 : 1;
});

/** `--ca FILE`: PEM certificates trusted in addition to the system's, e.g. a test's own CA. */
async function readCa(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new UsageError(`--ca: cannot read ${file}`);
  });
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca: ${file} holds no PEM certificate`);
  return text;
}
