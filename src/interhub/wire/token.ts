import { z } from 'zod';

/** Fact: the token exchange is RFC 6749 §4.4 client credentials, form encoded. */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** Fact: the scope the runtime key is exchanged for (OPS-WP-0002 T04). */
export const RUNTIME_SCOPE = 'framework:read hub:ops-hub:read hub:ops-hub:write';
export const RUNTIME_KEY_SCOPES = RUNTIME_SCOPE.split(' ');

/** The form fields of the exchange; ops-hub sends all four. */
export const tokenRequestSchema = z.object({
  grant_type: z.literal('client_credentials'),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  scope: z.string().min(1),
});

export function tokenRequestBody(clientId: string, clientSecret: string, scope = RUNTIME_SCOPE): string {
  const form: z.infer<typeof tokenRequestSchema> = { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope };
  return new URLSearchParams(form).toString();
}

/** Assumed: `{access_token, token_type: "Bearer", expires_in, scope}`. */
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().int().positive(),
  scope: z.string().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** Assumed: tokens travel as bearer tokens; the operator key is sent the same way to the bootstrap routes. */
export function bearer(token: string): string {
  return `Bearer ${token}`;
}

/** The token a request presents, when it presents one. */
export function presentedBearer(header: string | undefined): string | undefined {
  return /^Bearer (.+)$/.exec(header ?? '')?.[1];
}
