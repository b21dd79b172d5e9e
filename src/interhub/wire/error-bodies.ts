import { z } from 'zod';

/** Assumed (RFC 6749 §5.2): `{error}` on token failures, and on 401s and 403s elsewhere. */
export const errorBodySchema = z.object({ error: z.string(), error_description: z.string().optional() });

/** Assumed: `422 {"errors": {"<field>": "<message>"}}`. */
export const validationErrorSchema = z.object({ errors: z.record(z.string(), z.string()) });
