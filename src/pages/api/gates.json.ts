import { siteSettings } from 'virtual:ops-hub/settings';
import { gatesDocument } from '../../site/api.ts';
import { jsonResponse } from '../../site/api-response.ts';
import { siteData } from '../../site/site-data.ts';

/** dist/api/gates.json: every readiness gate with its effective status, evidence and age. */
export async function GET(): Promise<Response> {
  const { graph } = await siteData();
  return jsonResponse(gatesDocument(graph, siteSettings.commit));
}
