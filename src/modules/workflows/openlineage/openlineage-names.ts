import type { OpenLineageDatasetDto, OpenLineageJobDto } from './run-event.dto.js';

/**
 * How OpenLineage names map onto Tessera's. A dataset becomes the asset named `namespace/name` (asset
 * names are free text). A job becomes the workflow named `namespace:name` with every character a
 * workflow name cannot hold (it sits in paths) replaced by `_`, cut at 200: `airflow://prod` +
 * `orders.load` → `airflow:__prod:orders.load`. Two jobs differing only in such characters would
 * share a workflow; real namespaces (a scheme and a host) do not.
 */
export function assetNameOf(dataset: OpenLineageDatasetDto): string {
  return `${dataset.namespace}/${dataset.name}`;
}

export function workflowNameOf(job: OpenLineageJobDto): string {
  const name = `${job.namespace}:${job.name}`.replace(/[^A-Za-z0-9._:-]/g, '_');
  return (/^[A-Za-z0-9]/.test(name) ? name : `j${name}`).slice(0, 200);
}
