/** Event types sync emits; each must be declared by the manifest (validate checks it). */
export const EMITTED_EVENT_TYPES = [
  'ops-inventory-registered',
  'ops-service-discovered',
  'ops-health-checked',
  'ops-release-observed',
  'ops-migration-gate-passed',
  'ops-migration-gate-failed',
  'ops-endpoint-verified',
  'ops-backup-verified',
  'ops-restore-tested',
  'ops-runbook-executed',
  'ops-risk-raised',
  'ops-risk-accepted',
  'ops-drift-detected',
] as const;

export type EmittedEventType = (typeof EMITTED_EVENT_TYPES)[number];

/**
 * Event types the manifest declares that another system emits, each with
 * that system's name (documented in docs/interhub-contract.md). Every
 * declared type is either emitted by ops-hub or listed here; a test keeps it so.
 */
export const EXTERNALLY_EMITTED_EVENT_TYPES: Readonly<Record<string, string>> = {};

/** Annotation categories the derived facts rely on. */
export const USED_ANNOTATION_CATEGORIES = ['ops-backup-gap', 'ops-readiness-blocker'] as const;

