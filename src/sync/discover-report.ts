import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../util/input-error.ts';

/**
 * The report of `npm run discover` (README "Discovery"), as the sync reads it
 * from `--discover-report FILE`: the cluster, the moment of the run and its
 * findings. Only what the sync needs is checked; the rest is ignored.
 */

export class DiscoverReportError extends InputError<'sync-discover-report'> {}

const findingSchema = z.object({
  code: z.string().min(1),
  /** What caused the finding, never when it was seen: the same on every run (the discover report's promise). */
  key: z.string().min(1),
  message: z.string().min(1),
  hint: z.string().optional(),
  recordId: z.string().min(1),
  file: z.string().min(1),
  object: z.object({ apiVersion: z.string(), kind: z.string(), namespace: z.string().optional(), name: z.string() }).optional(),
  host: z.string().optional(),
});
export type DiscoveredFinding = z.infer<typeof findingSchema>;

const reportSchema = z.object({
  version: z.literal(1),
  cluster: z.string().min(1),
  observedAt: z.iso.datetime({ offset: true }),
  findings: z.array(findingSchema),
});
export type DiscoveredReport = z.infer<typeof reportSchema>;

/** The code of a finding about a workload no service record stands for: the one posted on the service catalogue. */
export const WORKLOAD_DISCOVERED = 'workload-discovered';

const FIX = 'pass the JSON report of npm run discover (--report FILE, or --format json)';

export async function readDiscoverReport(file: string): Promise<DiscoveredReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new DiscoverReportError('sync-discover-report', `--discover-report ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}) — ${FIX}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DiscoverReportError('sync-discover-report', `--discover-report ${file}: not JSON (${(err as Error).message}) — ${FIX}`);
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.') || 'the report';
    throw new DiscoverReportError('sync-discover-report', `--discover-report ${file}: ${field} — ${issue.message}; ${FIX}`);
  }
  return parsed.data;
}
