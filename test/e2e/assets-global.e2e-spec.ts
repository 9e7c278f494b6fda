import request from 'supertest';
import { exportCatalog, importCatalog, inCatalogTransaction, parseCatalog, removeEntry, type Catalog } from '../../scripts/catalog.js';
import { GLOBAL_TENANT_ID } from '../../src/platform/tenancy/global-catalogue.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { withAdminClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

const CATALOG: Catalog = {
  assets: [{ name: 'reference.countries', assetType: 'table', description: 'ISO 3166 countries', owner: 'platform', tags: ['reference'] }],
  workflows: [{ name: 'template.daily-snapshot', description: 'Copy a table nightly', definition: { steps: [{ name: 'snapshot' }], schedule: '@daily' } }],
};

describe('global catalogue entries (HTTP, managed by npm run catalog)', () => {
  let testApp: TestApp;
  const ann = bearer(tokenFor({ tenant: 'global-a', sub: 'ann' }));
  const ben = bearer(tokenFor({ tenant: 'global-b', sub: 'ben' }));
  const api = () => request(testApp.server);
  let countries: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    await inCatalogTransaction(testApp.database.ownerUrl, (client) => importCatalog(client, CATALOG));
    countries = (await api().get('/api/assets?q=reference.countries&global=true').set(ann).expect(200)).body.items[0].id;
  });
  afterAll(() => testApp.close());

  it('are read by every tenant, marked global', async () => {
    for (const auth of [ann, ben]) {
      expect((await api().get(`/api/assets/${countries}`).set(auth).expect(200)).body).toMatchObject({ name: 'reference.countries', global: true, tags: ['reference'] });
      expect((await api().get('/api/assets?global=true').set(auth).expect(200)).body.items.map((asset: { name: string }) => asset.name)).toEqual(['reference.countries']);
      expect((await api().get('/api/assets/count?tag=reference&global=true').set(auth).expect(200)).body).toEqual({ count: 1 });
      // The tenant's own list and count are its own.
      expect((await api().get('/api/assets/count?tag=reference').set(auth).expect(200)).body).toEqual({ count: 0 });
      expect((await api().get('/api/workflows?global=true').set(auth).expect(200)).body.items.map((workflow: { name: string }) => workflow.name)).toEqual(['template.daily-snapshot']);
      expect((await api().get('/api/workflows/template.daily-snapshot').set(auth).expect(200)).body).toMatchObject({ version: 1, global: true, createdBy: 'service:catalog' });
    }
  });

  it('are refused on every write through the API (403)', async () => {
    const own = (await api().post('/api/assets').set(ann).send({ name: 'ann.table', assetType: 'table' }).expect(201)).body;
    expect((await api().patch(`/api/assets/${countries}`).set(ann).send({ description: 'mine now' }).expect(403)).body.code).toBe('PermissionDenied');
    await api().delete(`/api/assets/${countries}`).set(ann).expect(403);
    await api().post(`/api/assets/${countries}/dependencies`).set(ann).send({ upstreamId: own.id, type: 'data' }).expect(403);
    await api().put('/api/workflows/template.daily-snapshot').set(ann).send({ definition: { steps: [{ name: 'x' }] } }).expect(403);
    await api().delete('/api/workflows/template.daily-snapshot').set(ann).expect(403);
    await api().post('/api/workflows/template.daily-snapshot/executions').set(ann).send({}).expect(403);
    expect((await api().get(`/api/assets/${countries}`).set(ben).expect(200)).body.description).toBe('ISO 3166 countries');
  });

  it('can be depended on, and never show one tenant’s edges to another', async () => {
    const annAsset = (await api().post('/api/assets').set(ann).send({ name: 'ann.sales_by_country', assetType: 'view' }).expect(201)).body;
    await api().post(`/api/assets/${annAsset.id}/dependencies`).set(ann).send({ upstreamId: countries, type: 'data' }).expect(201);
    const names = async (auth: Record<string, string>) =>
      (await api().get(`/api/assets/${countries}/lineage?direction=downstream`).set(auth).expect(200)).body.nodes.map((node: { name: string; global: boolean }) => `${node.name}:${node.global}`);
    expect(await names(ann)).toEqual(['reference.countries:true', 'ann.sales_by_country:false']);
    expect(await names(ben)).toEqual(['reference.countries:true']);
    expect((await api().get(`/api/assets/${countries}/dependencies`).set(ben).expect(200)).body.items).toEqual([]);
    expect((await api().get(`/api/assets/${countries}/impact`).set(ben).expect(200)).body).toEqual({ assets: [], workflows: [], truncated: false });
    expect((await api().get(`/api/assets/${annAsset.id}/lineage?direction=upstream`).set(ann).expect(200)).body.nodes).toHaveLength(2);
  });

  it('are imported idempotently, exported, audited as service:catalog, and removed with the edges onto them', async () => {
    const again = await inCatalogTransaction(testApp.database.ownerUrl, (client) => importCatalog(client, CATALOG));
    expect(again.workflowVersions).toBe(0);
    const changed = { ...CATALOG, workflows: [{ ...CATALOG.workflows[0], definition: { steps: [{ name: 'snapshot' }, { name: 'verify', dependsOn: ['snapshot'] }] } }] };
    expect((await inCatalogTransaction(testApp.database.ownerUrl, (client) => importCatalog(client, changed))).workflowVersions).toBe(1);
    expect((await api().get('/api/workflows/template.daily-snapshot').set(ben).expect(200)).body.version).toBe(2);
    expect(await inCatalogTransaction(testApp.database.ownerUrl, exportCatalog)).toEqual({
      assets: [{ name: 'reference.countries', assetType: 'table', description: 'ISO 3166 countries', owner: 'platform', tags: ['reference'], metadata: null }],
      workflows: [{ name: 'template.daily-snapshot', description: 'Copy a table nightly', definition: changed.workflows[0].definition }],
    });
    const actors = await withAdminClient(
      async (client) => (await client.query('select distinct actor_id, action from audit_entries where tenant_id = $1 order by 2', [GLOBAL_TENANT_ID])).rows,
      testApp.database.name,
    );
    expect(actors).toEqual(expect.arrayContaining([{ actor_id: 'service:catalog', action: 'asset.create' }, { actor_id: 'service:catalog', action: 'workflow_version.create' }]));

    expect(await inCatalogTransaction(testApp.database.ownerUrl, (client) => removeEntry(client, 'asset', 'reference.countries'))).toBe(true);
    await api().get(`/api/assets/${countries}`).set(ann).expect(404);
    const annAsset = (await api().get('/api/assets?q=ann.sales_by_country').set(ann).expect(200)).body.items[0];
    expect((await api().get(`/api/assets/${annAsset.id}/dependencies`).set(ann).expect(200)).body.items).toEqual([]);
    // The edge went in ann's tenant's name, and her trail says who took it.
    const removal = await withAdminClient(
      async (client) => (await client.query("select actor_id from audit_entries where tenant_id = 'global-a' and action = 'asset_dependency.delete'")).rows,
      testApp.database.name,
    );
    expect(removal).toEqual([{ actor_id: 'service:catalog' }]);
  });

  it('refuses a malformed catalogue file, naming the fields', async () => {
    await expect(parseCatalog(JSON.stringify({ assets: [{ name: 'x', assetType: 'Not Valid' }], workflows: [{ name: 'bad/name', definition: { steps: [] } }] }))).rejects.toThrow(
      /assets\[0\]\.assetType[\s\S]*workflows\[0\]\.name[\s\S]*workflows\[0\]\.definition\.steps/,
    );
  });
});
