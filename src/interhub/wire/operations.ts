import { z } from 'zod';
import { annotationSentSchema } from './annotations.ts';
import { apiConsumerCreateSchema, keyCreateSchema, manifestCreateSchema } from './bootstrap.ts';
import { eventSentSchema } from './events.ts';
import { hubCreateSchema } from './hubs.ts';
import { JSON_CONTENT_TYPE, type RouteName } from './routes.ts';
import { FORM_CONTENT_TYPE, tokenRequestSchema } from './token.ts';
import { widgetSentSchema } from './widgets.ts';

/**
 * Every request ops-hub makes, by route and method, with the body it sends:
 * what the contract check compares with a deployment's OpenAPI document
 * before anything is written.
 */

export type Method = 'GET' | 'POST';

/**
 * Why ops-hub makes the request: `read` and `write` the sync needs; an
 * `optional` read it can do without (the run says so and goes on); `bootstrap`
 * only once the bootstrap gate of OPS-WP-0002 T03 is open (the gate probe
 * reads whether those are listed).
 */
export type OperationUse = 'read' | 'write' | 'optional' | 'bootstrap';

export interface RequestBody {
  contentType: string;
  /** The body as ops-hub builds it: its fields, the required ones always sent. */
  schema: z.ZodObject;
}

export interface WireOperation {
  method: Method;
  route: RouteName;
  use: OperationUse;
  body?: RequestBody;
}

const json = (schema: z.ZodObject): RequestBody => ({ contentType: JSON_CONTENT_TYPE, schema });

export const OPERATIONS: readonly WireOperation[] = [
  { method: 'POST', route: 'token', use: 'read', body: { contentType: FORM_CONTENT_TYPE, schema: tokenRequestSchema } },
  { method: 'GET', route: 'openapi', use: 'optional' },
  { method: 'GET', route: 'hubRegistry', use: 'read' },
  { method: 'GET', route: 'hubRegistryEntry', use: 'read' },
  { method: 'GET', route: 'widgetTypes', use: 'read' },
  { method: 'GET', route: 'eventTypes', use: 'read' },
  { method: 'GET', route: 'annotationCategories', use: 'optional' },
  { method: 'GET', route: 'policyScopes', use: 'optional' },
  { method: 'GET', route: 'widgets', use: 'read' },
  { method: 'POST', route: 'widgets', use: 'write', body: json(widgetSentSchema) },
  { method: 'GET', route: 'interactionEvents', use: 'read' },
  { method: 'POST', route: 'interactionEvents', use: 'write', body: json(eventSentSchema) },
  { method: 'GET', route: 'annotations', use: 'optional' },
  { method: 'POST', route: 'annotations', use: 'write', body: json(annotationSentSchema) },
  { method: 'GET', route: 'hubs', use: 'bootstrap' },
  { method: 'POST', route: 'hubs', use: 'bootstrap', body: json(hubCreateSchema) },
  { method: 'GET', route: 'manifests', use: 'bootstrap' },
  { method: 'POST', route: 'manifests', use: 'bootstrap', body: json(manifestCreateSchema) },
  { method: 'POST', route: 'manifestActivate', use: 'bootstrap', body: json(z.object({})) },
  { method: 'GET', route: 'apiConsumers', use: 'bootstrap' },
  { method: 'POST', route: 'apiConsumers', use: 'bootstrap', body: json(apiConsumerCreateSchema) },
  { method: 'POST', route: 'apiConsumerKeys', use: 'bootstrap', body: json(keyCreateSchema) },
];

/** The fields of a request schema: every property, and those it marks required. */
export interface RequestFields {
  properties: string[];
  required: string[];
}

/** As JSON Schema reads it (zod's own conversion, so a default counts as optional to the receiver). */
export function requestFields(schema: z.ZodObject): RequestFields {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, unknown>; required?: string[] };
  return { properties: Object.keys(json.properties ?? {}), required: json.required ?? [] };
}
