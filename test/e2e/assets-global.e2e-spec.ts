import request from 'supertest';
import {
  type Catalog,
  CatalogRefusal,
  exportCatalog,
  importCatalog,
  inCatalogTransaction,
  parseCatalog,
  removeDependency,
  removeEntry,
} from '../../scripts/catalog.js';
import { GLOBAL_TENANT_ID } from '../../src/platform/tenancy/global-catalogue.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { withAdminClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

const CATALOG: Catalog = {
  assets: [{ name: 'reference.countries', assetType: 'table', description: 'ISO 3166 countries', owner: 'platform', tags: ['reference'] }],
  workflows: [
    {
      name: 'template.daily-snapshot',
      description: 'Copy a table nightly',
      definition: { steps: [{ name: 'snapshot' }], schedule: '@daily' },
    },
  ],
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
      expect((await api().get(`/api/assets/${countries}`).set(auth).expect(200)).body).toMatchObject({
        name: 'reference.countries',
        global: true,
        tags: ['reference'],
      });
      expect(
        (await api().get('/api/assets?global=true').set(auth).expect(200)).body.items.map((asset: { name: string }) => asset.name),
      ).toEqual(['reference.countries']);
      expect((await api().get('/api/assets/count?tag=reference&global=true').set(auth).expect(200)).body).toEqual({ count: 1 });
      // The tenant's own list and count are its own.
      expect((await api().get('/api/assets/count?tag=reference').set(auth).expect(200)).body).toEqual({ count: 0 });
      expect(
        (await api().get('/api/workflows?global=true').set(auth).expect(200)).body.items.map((workflow: { name: string }) => workflow.name),
      ).toEqual(['template.daily-snapshot']);
      expect((await api().get('/api/workflows/template.daily-snapshot').set(auth).expect(200)).body).toMatchObject({
        version: 1,
        global: true,
        createdBy: 'service:catalog',
      });
    }
  });

  it('are refused on every write through the API (403)', async () => {
    const own = (await api().post('/api/assets').set(ann).send({ name: 'ann.table', assetType: 'table' }).expect(201)).body;
    expect((await api().patch(`/api/assets/${countries}`).set(ann).send({ description: 'mine now' }).expect(403)).body.code).toBe(
      'ASSET_GLOBAL_READ_ONLY',
    );
    await api().delete(`/api/assets/${countries}`).set(ann).expect(403);
    await api().post(`/api/assets/${countries}/dependencies`).set(ann).send({ upstreamId: own.id, type: 'data' }).expect(403);
    await api()
      .put('/api/workflows/template.daily-snapshot')
      .set(ann)
      .send({ definition: { steps: [{ name: 'x' }] } })
      .expect(403);
    await api().delete('/api/workflows/template.daily-snapshot').set(ann).expect(403);
    expect((await api().get(`/api/assets/${countries}`).set(ben).expect(200)).body.description).toBe('ISO 3166 countries');
  });

  it('can be depended on, and never show one tenant’s edges to another', async () => {
    const annAsset = (await api().post('/api/assets').set(ann).send({ name: 'ann.sales_by_country', assetType: 'view' }).expect(201)).body;
    await api().post(`/api/assets/${annAsset.id}/dependencies`).set(ann).send({ upstreamId: countries, type: 'data' }).expect(201);
    const names = async (auth: Record<string, string>) =>
      (await api().get(`/api/assets/${countries}/lineage?direction=downstream`).set(auth).expect(200)).body.nodes.map(
        (node: { name: string; global: boolean }) => `${node.name}:${node.global}`,
      );
    expect(await names(ann)).toEqual(['reference.countries:true', 'ann.sales_by_country:false']);
    expect(await names(ben)).toEqual(['reference.countries:true']);
    expect((await api().get(`/api/assets/${countries}/dependencies`).set(ben).expect(200)).body.items).toEqual([]);
    expect((await api().get(`/api/assets/${countries}/impact`).set(ben).expect(200)).body).toEqual({
      assets: [],
      workflows: [],
      truncated: false,
    });
    expect((await api().get(`/api/assets/${annAsset.id}/lineage?direction=upstream`).set(ann).expect(200)).body.nodes).toHaveLength(2);
  });

  it('are imported idempotently, exported, audited as service:catalog, and removed with the edges onto them', async () => {
    const again = await inCatalogTransaction(testApp.database.ownerUrl, (client) => importCatalog(client, CATALOG));
    expect(again.workflowVersions).toBe(0);
    const changed = {
      ...CATALOG,
      workflows: [{ ...CATALOG.workflows[0], definition: { steps: [{ name: 'snapshot' }, { name: 'verify', dependsOn: ['snapshot'] }] } }],
    };
    expect((await inCatalogTransaction(testApp.database.ownerUrl, (client) => importCatalog(client, changed))).workflowVersions).toBe(1);
    expect((await api().get('/api/workflows/template.daily-snapshot').set(ben).expect(200)).body.version).toBe(2);
    expect(await inCatalogTransaction(testApp.database.ownerUrl, exportCatalog)).toEqual({
      assets: [
        {
          name: 'reference.countries',
          assetType: 'table',
          description: 'ISO 3166 countries',
          owner: 'platform',
          tags: ['reference'],
          metadata: null,
        },
      ],
      dependencies: [],
      workflows: [{ name: 'template.daily-snapshot', description: 'Copy a table nightly', definition: changed.workflows[0].definition }],
    });
    const actors = await withAdminClient(
      async (client) =>
        (await client.query('select distinct actor_id, action from audit_entries where tenant_id = $1 order by 2', [GLOBAL_TENANT_ID]))
          .rows,
      testApp.database.name,
    );
    expect(actors).toEqual(
      expect.arrayContaining([
        { actor_id: 'service:catalog', action: 'asset.create' },
        { actor_id: 'service:catalog', action: 'workflow_version.create' },
      ]),
    );

    expect(await inCatalogTransaction(testApp.database.ownerUrl, (client) => removeEntry(client, 'asset', 'reference.countries'))).toBe(
      true,
    );
    await api().get(`/api/assets/${countries}`).set(ann).expect(404);
    const annAsset = (await api().get('/api/assets?q=ann.sales_by_country').set(ann).expect(200)).body.items[0];
    expect((await api().get(`/api/assets/${annAsset.id}/dependencies`).set(ann).expect(200)).body.items).toEqual([]);
    // The edge went in ann's tenant's name, and her trail says who took it.
    const removal = await withAdminClient(
      async (client) =>
        (await client.query("select actor_id from audit_entries where tenant_id = 'global-a' and action = 'asset_dependency.delete'")).rows,
      testApp.database.name,
    );
    expect(removal).toEqual([{ actor_id: 'service:catalog' }]);
  });

  it('refuses a malformed catalogue file, naming the fields', async () => {
    await expect(
      parseCatalog(
        JSON.stringify({ assets: [{ name: 'x', assetType: 'Not Valid' }], workflows: [{ name: 'bad/name', definition: { steps: [] } }] }),
      ),
    ).rejects.toThrow(/assets\[0\]\.assetType[\s\S]*workflows\[0\]\.name[\s\S]*workflows\[0\]\.definition\.steps/);
    const edges = [
      { upstream: 'a', downstream: 'a', type: 'data' },
      { upstream: 'a', downstream: 'b', type: 'lineage' },
      { upstream: 'a', to: 'b', type: 'data' },
    ];
    await expect(parseCatalog(JSON.stringify({ assets: [], dependencies: edges, workflows: [] }))).rejects.toThrow(
      /dependencies\[0\]: an asset cannot depend on itself[\s\S]*dependencies\[1\]\.type: must be one of data, metadata, control[\s\S]*dependencies\[2\]: unknown fields to[\s\S]*dependencies\[2\]\.downstream/,
    );
  });

  describe('edges between global assets', () => {
    const REFERENCE: Catalog = {
      assets: [
        { name: 'reference.currencies', assetType: 'table' },
        { name: 'reference.fx_rates', assetType: 'table' },
        { name: 'reference.fx_daily', assetType: 'view' },
      ],
      dependencies: [
        { upstream: 'reference.currencies', downstream: 'reference.fx_rates', type: 'metadata' },
        { upstream: 'reference.fx_rates', downstream: 'reference.fx_daily', type: 'data' },
      ],
      workflows: [],
    };
    const byName: Record<string, string> = {};
    const lineage = async (auth: Record<string, string>, of: string, direction: string) => {
      const { body } = await api().get(`/api/assets/${byName[of]}/lineage?direction=${direction}`).set(auth).expect(200);
      const names = new Map<string, string>(body.nodes.map((node: { id: string; name: string }) => [node.id, node.name]));
      return {
        nodes: body.nodes.map(
          (node: { name: string; depth: number; global: boolean }) => `${node.name}@${node.depth}${node.global ? ':global' : ''}`,
        ),
        edges: body.edges
          .map(
            (edge: { upstreamId: string; downstreamId: string; type: string }) =>
              `${names.get(edge.upstreamId)}→${names.get(edge.downstreamId)}:${edge.type}`,
          )
          .sort(),
      };
    };

    beforeAll(async () => {
      const result = await inCatalogTransaction(testApp.database.ownerUrl, (client) => importCatalog(client, REFERENCE));
      expect(result).toMatchObject({ assets: 3, dependencies: 2 });
      for (const asset of (await api().get('/api/assets?q=reference.&global=true').set(ann).expect(200)).body.items)
        byName[asset.name] = asset.id;
      for (const [auth, name] of [
        [ann, 'ann.fx_report'],
        [ben, 'ben.fx_report'],
      ] as const) {
        byName[name] = (await api().post('/api/assets').set(auth).send({ name, assetType: 'dashboard' }).expect(201)).body.id;
        await api()
          .post(`/api/assets/${byName[name]}/dependencies`)
          .set(auth)
          .send({ upstreamId: byName['reference.fx_daily'], type: 'data' })
          .expect(201);
      }
    });

    it('are imported once, and exported', async () => {
      expect((await inCatalogTransaction(testApp.database.ownerUrl, (client) => importCatalog(client, REFERENCE))).dependencies).toBe(0);
      expect((await inCatalogTransaction(testApp.database.ownerUrl, exportCatalog)).dependencies).toEqual([
        { upstream: 'reference.currencies', downstream: 'reference.fx_rates', type: 'metadata' },
        { upstream: 'reference.fx_rates', downstream: 'reference.fx_daily', type: 'data' },
      ]);
      const unknown = {
        assets: [],
        dependencies: [{ upstream: 'reference.fx_rates', downstream: 'reference.nowhere', type: 'data' as const }],
        workflows: [],
      };
      await expect(inCatalogTransaction(testApp.database.ownerUrl, (client) => importCatalog(client, unknown))).rejects.toThrow(
        CatalogRefusal,
      );
      await expect(inCatalogTransaction(testApp.database.ownerUrl, (client) => importCatalog(client, unknown))).rejects.toThrow(
        /dependencies\[0\]\.downstream: no global asset named "reference.nowhere"/,
      );
    });

    it('are walked by every tenant’s lineage, with the tenant’s own edges and never another tenant’s', async () => {
      expect(await lineage(ann, 'reference.currencies', 'downstream')).toEqual({
        nodes: ['reference.currencies@0:global', 'reference.fx_rates@1:global', 'reference.fx_daily@2:global', 'ann.fx_report@3'],
        edges: [
          'reference.currencies→reference.fx_rates:metadata',
          'reference.fx_daily→ann.fx_report:data',
          'reference.fx_rates→reference.fx_daily:data',
        ],
      });
      expect((await lineage(ben, 'reference.currencies', 'downstream')).nodes).toEqual([
        'reference.currencies@0:global',
        'reference.fx_rates@1:global',
        'reference.fx_daily@2:global',
        'ben.fx_report@3',
      ]);
      expect(await lineage(ben, 'ben.fx_report', 'upstream')).toEqual({
        nodes: ['ben.fx_report@0', 'reference.fx_daily@1:global', 'reference.fx_rates@2:global', 'reference.currencies@3:global'],
        edges: [
          'reference.currencies→reference.fx_rates:metadata',
          'reference.fx_daily→ben.fx_report:data',
          'reference.fx_rates→reference.fx_daily:data',
        ],
      });
      expect((await lineage(ann, 'reference.fx_rates', 'both')).nodes).toEqual([
        'reference.fx_rates@0:global',
        'reference.currencies@1:global',
        'reference.fx_daily@1:global',
        'ann.fx_report@2',
      ]);
      // Impact from the catalogue: the global assets downstream and the tenant's own, never another's.
      const impact = (await api().get(`/api/assets/${byName['reference.currencies']}/impact`).set(ben).expect(200)).body;
      expect(impact.assets.map((asset: { name: string }) => asset.name)).toEqual([
        'reference.fx_rates',
        'reference.fx_daily',
        'ben.fx_report',
      ]);
      // Another tenant's asset stays out of reach, even with global edges around it.
      await api().get(`/api/assets/${byName['ann.fx_report']}/lineage`).set(ben).expect(404);
    });

    it('are listed as the asset’s dependencies, marked global, and refused on delete (403)', async () => {
      const listed = (await api().get(`/api/assets/${byName['reference.fx_daily']}/dependencies?direction=both`).set(ben).expect(200)).body
        .items;
      expect(
        listed.map((edge: { upstreamId: string; downstreamId: string; global: boolean }) => [
          edge.upstreamId,
          edge.downstreamId,
          edge.global,
        ]),
      ).toEqual([
        [byName['reference.fx_daily'], byName['ben.fx_report'], false],
        [byName['reference.fx_rates'], byName['reference.fx_daily'], true],
      ]);
      const globalEdge = listed.find((edge: { global: boolean }) => edge.global);
      expect(
        (await api().delete(`/api/assets/${byName['reference.fx_daily']}/dependencies/${globalEdge.id}`).set(ben).expect(403)).body.code,
      ).toBe('ASSET_GLOBAL_READ_ONLY');
      // A tenant cannot make an edge into a global asset either.
      await api()
        .post(`/api/assets/${byName['reference.fx_daily']}/dependencies`)
        .set(ben)
        .send({ upstreamId: byName['ben.fx_report'], type: 'control' })
        .expect(403);
    });

    it('are removed by the tool, alone or with a global asset', async () => {
      expect(
        await inCatalogTransaction(testApp.database.ownerUrl, (client) =>
          removeDependency(client, 'reference.currencies', 'reference.fx_rates', 'data'),
        ),
      ).toBe(0);
      expect(
        await inCatalogTransaction(testApp.database.ownerUrl, (client) =>
          removeDependency(client, 'reference.currencies', 'reference.fx_rates'),
        ),
      ).toBe(1);
      expect((await lineage(ann, 'reference.currencies', 'downstream')).nodes).toEqual(['reference.currencies@0:global']);
      expect(await inCatalogTransaction(testApp.database.ownerUrl, (client) => removeEntry(client, 'asset', 'reference.fx_daily'))).toBe(
        true,
      );
      expect((await inCatalogTransaction(testApp.database.ownerUrl, exportCatalog)).dependencies).toEqual([]);
      expect((await lineage(ann, 'ann.fx_report', 'both')).nodes).toEqual(['ann.fx_report@0']);
    });
  });
});
