import { z } from 'zod';
import { idSchema } from './references.ts';
import { durationSchema, timestampSchema } from './time.ts';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** The ops-hub collectors that write evidence: `probe` (HTTP, the gate) and `discover` (Kubernetes). */
export const collectorSchema = z.enum(['probe', 'discover']);

/** Where a piece of evidence can be checked by a reviewer. */
export const evidenceSourceSchema = z
  .strictObject({
    url: httpUrl.optional(),
    repo: z.string().min(1).optional(),
    commit: z
      .string()
      .regex(/^[0-9a-f]{7,40}$/, { error: 'must be a git commit SHA (7–40 hex digits)' })
      .optional(),
    workplan: z.string().min(1).optional(),
    /** The ops-hub collector that wrote it; evidence written by people names none. */
    probe: collectorSchema.optional(),
  })
  .refine((s) => Object.values(s).some((v) => v !== undefined), {
    error: 'needs at least one of url, repo, commit, workplan or probe',
  });

const observedValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

export const evidenceSchema = z.strictObject({
  /** For gates: the name of the requirement this evidence speaks to. */
  requirement: idSchema.optional(),
  result: z.enum(['pass', 'fail']),
  observedAt: timestampSchema,
  /** After this long the evidence no longer counts (ISO 8601 duration). */
  maxAge: durationSchema.optional(),
  summary: z.string().min(1),
  source: evidenceSourceSchema,
  /** Non-secret facts a probe or operator saw: status, headers matched, latency. */
  observed: z.record(z.string(), observedValue).optional(),
});

export type Evidence = z.infer<typeof evidenceSchema>;
export type EvidenceSource = z.infer<typeof evidenceSourceSchema>;
