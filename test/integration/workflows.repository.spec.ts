import { importCatalog, inCatalogTransaction } from '../../scripts/catalog.js';
import { AssetRepository } from '../../src/modules/assets/asset.repository.js';
import { WorkflowRepository } from '../../src/modules/workflows/workflow.repository.js';
import { WorkflowExecutionRepository } from '../../src/modules/workflows/workflow-execution.repository.js';
import type { VersionContent } from '../../src/modules/workflows/workflow-views.js';
import { newPrincipal, startTestContext, type TestContext } from '../support/test-context.js';
import { withAdminClient } from '../support/test-database.js';

describe('workflow repositories (cloned database, no HTTP)', () => {
  let t: TestContext;
  let workflows: WorkflowRepository;
  let executions: WorkflowExecutionRepository;
  const tenant = newPrincipal();
  const other = newPrincipal();
  const inTenant = <T>(work: () => Promise<T>) => t.inTenant(tenant, work);
  let assetId: string;
  let workflowId: string;
  const content = (steps: string[], inputs: string[] = []): VersionContent => ({
    description: null,
    definition: { steps: steps.map((name) => ({ name })) },
    inputs,
    outputs: [],
  });

  beforeAll(async () => {
    t = await startTestContext();
    workflows = t.get(WorkflowRepository);
    executions = t.get(WorkflowExecutionRepository);
    assetId = (
      await inTenant(() =>
        t.get(AssetRepository).add({ name: 'in', description: null, assetType: 'table', owner: null, tags: [], metadata: null }),
      )
    ).id;
    workflowId = await inTenant(() => workflows.add('flow', content(['a'], [assetId])));
    await inTenant(() => workflows.addNextVersion(workflowId, 2, content(['a', 'b'])));
  });
  afterAll(() => t.close());

  it('reads the latest version, or the one asked for, with its declared assets', async () => {
    expect(await inTenant(() => workflows.view('flow'))).toMatchObject({ version: 2, latestVersion: 2, inputs: [] });
    expect(await inTenant(() => workflows.view('flow', 1))).toMatchObject({
      version: 1,
      inputs: [assetId],
      definition: { steps: [{ name: 'a' }] },
    });
    expect(await inTenant(() => workflows.view('flow', 3))).toBeUndefined();
  });

  it('finds the workflows whose latest version declares an asset, and no other', async () => {
    // Version 1 declared the asset; version 2 does not.
    expect(await inTenant(() => workflows.using([assetId]))).toEqual([]);
    await inTenant(() => workflows.addNextVersion(workflowId, 3, content(['a'], [assetId])));
    expect(await inTenant(() => workflows.using([assetId]))).toEqual([
      { id: workflowId, name: 'flow', version: 3, reads: [assetId], produces: [] },
    ]);
    expect(await t.inTenant(other, () => workflows.using([assetId]))).toEqual([]);
  });

  it('starts an execution of an existing version only, and moves it only from the allowed states', async () => {
    expect(await inTenant(() => executions.add(workflowId, { version: 99, parameters: null }))).toBeUndefined();
    const execution = (await inTenant(() => executions.add(workflowId, { parameters: { day: 1 } })))!;
    expect(execution).toMatchObject({ version: 3, state: 'pending', parameters: { day: 1 } });
    expect(await inTenant(() => executions.move(execution.id, { to: 'succeeded', from: ['running'] }))).toBeUndefined();
    expect(await t.inTenant(other, () => executions.move(execution.id, { to: 'running', from: ['pending'] }))).toBeUndefined();
    expect(await inTenant(() => executions.move(execution.id, { to: 'running', from: ['pending'] }))).toEqual({ id: execution.id });
    expect(await inTenant(() => executions.view(execution.id))).toMatchObject({
      state: 'running',
      startedAt: expect.any(String),
      completedAt: null,
    });
  });

  it('lists and counts executions per tenant, filtered', async () => {
    await inTenant(() => executions.add(workflowId, { version: 1, parameters: null }));
    const page = await inTenant(() => executions.page(workflowId, { version: 1 }, { limit: 10 }));
    expect(page.items.map((item) => item.version)).toEqual([1]);
    expect(await inTenant(() => executions.countMatching(undefined, undefined))).toBe(2);
    expect(await inTenant(() => executions.countMatching('running', 'flow'))).toBe(1);
    expect(await inTenant(() => executions.countMatching('running', 'other'))).toBe(0);
    expect(await t.inTenant(other, () => executions.countMatching(undefined, undefined))).toBe(0);
    expect(await t.inTenant(other, () => executions.page(workflowId, {}, { limit: 10 }))).toEqual({ items: [], nextCursor: null });
  });

  it('runs a global template as the tenant’s own execution, and another tenant’s workflow never', async () => {
    await inCatalogTransaction(t.database.ownerUrl, (client) =>
      importCatalog(client, { assets: [], workflows: [{ name: 'template', definition: { steps: [{ name: 'x' }] } }] }),
    );
    const template = (await inTenant(() => workflows.view('template')))!;
    expect(template.global).toBe(true);
    const run = (await inTenant(() => executions.add(template.id, { parameters: null })))!;
    expect(run).toMatchObject({ workflowId: template.id, workflowName: 'template', workflowGlobal: true, version: 1 });
    expect(await t.inTenant(other, () => executions.view(run.id))).toBeUndefined();
    expect(await t.inTenant(other, () => executions.countMatching(undefined, 'template'))).toBe(0);
    expect(await inTenant(() => executions.countMatching(undefined, 'template'))).toBe(1);
    // Another tenant's workflow is no template: nothing to run.
    expect(await t.inTenant(other, () => executions.add(workflowId, { parameters: null }))).toBeUndefined();
    // Nor can any writer, the schema owner included, point an execution at a third tenant's workflow.
    const version = await withAdminClient(
      async (client) => (await client.query('select id from workflow_versions where workflow_id = $1 limit 1', [workflowId])).rows[0].id,
      t.database.name,
    );
    await expect(
      withAdminClient(
        (client) =>
          client.query(
            `insert into workflow_executions (id, tenant_id, workflow_id, workflow_tenant_id, version_id, version, state, created_at)
           values (gen_random_uuid(), $1, $2, $3, $4, 1, 'pending', now())`,
            [other.tenantId, workflowId, tenant.tenantId, version],
          ),
        t.database.name,
      ),
    ).rejects.toThrow(/workflow_executions_workflow_tenant_check/);
  });

  it('never reads or deletes another tenant’s workflow', async () => {
    expect(await t.inTenant(other, () => workflows.view('flow'))).toBeUndefined();
    expect(await t.inTenant(other, () => workflows.latestPage(false, { limit: 10 }))).toEqual({ items: [], nextCursor: null });
    expect(await t.inTenant(other, () => workflows.remove('flow'))).toBe(false);
    expect(await inTenant(() => workflows.lockedByName('flow'))).toEqual({ id: workflowId, latestVersion: 3 });
  });
});
