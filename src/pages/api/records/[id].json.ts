import type { APIContext } from 'astro';
import { siteSettings } from 'virtual:ops-hub/settings';
import { recordDocument } from '../../../site/api.ts';
import { jsonResponse } from '../../../site/api-response.ts';
import { siteData } from '../../../site/site-data.ts';

/** dist/api/records/<id>.json per record: ids are unique across kinds (the graph keeps one record per id). */
export async function getStaticPaths() {
  const { graph } = await siteData();
  return [...graph.ids()].map((id) => ({ params: { id } }));
}

export async function GET({ params }: APIContext): Promise<Response> {
  const { graph } = await siteData();
  return jsonResponse(recordDocument(graph, params.id!, siteSettings.commit));
}
