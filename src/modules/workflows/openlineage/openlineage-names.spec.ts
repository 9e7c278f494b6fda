import { WORKFLOW_NAME_PATTERN } from '../workflow-name.js';
import { assetNameOf, workflowNameOf } from './openlineage-names.js';

describe('OpenLineage names', () => {
  it('names an asset by namespace and name', () => {
    expect(assetNameOf({ namespace: 'postgres://db:5432', name: 'sales.public.orders' })).toBe('postgres://db:5432/sales.public.orders');
  });

  it.each([
    [{ namespace: 'airflow://prod', name: 'orders_dag.load' }, 'airflow:__prod:orders_dag.load'],
    [{ namespace: 'spark', name: 'job with spaces/and slashes' }, 'spark:job_with_spaces_and_slashes'],
    [{ namespace: '_odd', name: 'x' }, 'j_odd:x'],
    [{ namespace: 'n', name: 'x'.repeat(300) }, `n:${'x'.repeat(198)}`],
  ])('names the workflow of job %j as %s, a valid workflow name', (job, expected) => {
    expect(workflowNameOf(job)).toBe(expected);
    expect(WORKFLOW_NAME_PATTERN.test(workflowNameOf(job))).toBe(true);
  });
});
