import { z } from 'zod';
import { idSchema } from './references.ts';

/** Where the vocabulary comes from: the hub capability manifest draft. */
export const MANIFEST_FILE = 'seeds/ops-hub-manifest.draft.json';

const names = z.array(idSchema).min(1);

export const manifestSchema = z.strictObject({
  hub: z.strictObject({
    name: z.string().min(1),
    slug: idSchema,
    domain: z.string().min(1),
    hubKind: z.string().min(1),
  }),
  version: z.string().min(1),
  classification: z.strictObject({
    hub_family: z.string(),
    vsm_function: z.string(),
    vsm_system: z.string(),
  }),
  capabilityDescription: z.string().min(1),
  contact: z.string().min(1),
  declaredWidgetTypes: names,
  declaredEventTypes: names,
  declaredAnnotationCategories: names,
  declaredPolicyScopes: names,
});

export type Manifest = z.infer<typeof manifestSchema>;

export const ownerSchema = z.strictObject({
  id: idSchema,
  title: z.string().min(1),
  layer: z
    .string()
    .regex(/^S[1-5]$|^hub$/, { error: 'must be a Railiance stack layer S1–S5, or "hub" for hub repositories' }),
  description: z.string().optional(),
  url: z.url({ protocol: /^https?$/ }).optional(),
});

export const ownersSchema = z.array(ownerSchema);
export type Owner = z.infer<typeof ownerSchema>;

/** The names records are checked against. */
export interface Vocabulary {
  widgetTypes: readonly string[];
  eventTypes: readonly string[];
  annotationCategories: readonly string[];
  policyScopes: readonly string[];
  owners: readonly string[];
}

/** Without a valid manifest nothing is declared, so every vocabulary use is reported. */
export function vocabularyOf(manifest: Manifest | undefined, owners: readonly Owner[]): Vocabulary {
  return {
    widgetTypes: manifest?.declaredWidgetTypes ?? [],
    eventTypes: manifest?.declaredEventTypes ?? [],
    annotationCategories: manifest?.declaredAnnotationCategories ?? [],
    policyScopes: manifest?.declaredPolicyScopes ?? [],
    owners: owners.map((o) => o.id),
  };
}
