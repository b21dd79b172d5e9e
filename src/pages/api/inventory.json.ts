import { siteSettings } from 'virtual:ops-hub/settings';
import { inventoryDocument } from '../../site/api.ts';
import { jsonResponse } from '../../site/api-response.ts';
import { siteData } from '../../site/site-data.ts';

/** dist/api/inventory.json: every record with its fields, relations both ways and derived facts. */
export async function GET(): Promise<Response> {
  const { graph } = await siteData();
  return jsonResponse(inventoryDocument(graph, siteSettings.commit));
}
