/**
 * The one format type every renderer in src/output takes: `text` for people at
 * a terminal, `md` for PR comments and job summaries, `json` for machines,
 * `github` for workflow annotations. Each renderer accepts the subset it can
 * print (see the `*_FORMATS` list it exports).
 */
export type OutputFormat = 'text' | 'md' | 'json' | 'github';
