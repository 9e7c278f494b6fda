import { AssetRepository } from '../../src/modules/assets/asset.repository.js';
import type { AssetContent } from '../../src/modules/assets/asset-content.js';
import { AssetDependencyRepository } from '../../src/modules/assets/asset-dependency.repository.js';
import type { LineageRequest } from '../../src/modules/assets/asset-graph.js';
import { DEPENDENCY_TYPES } from '../../src/modules/assets/asset-type.js';
import { newPrincipal, startTestContext, type TestContext } from '../support/test-context.js';

const content = (name: string, extra: Partial<AssetContent> = {}): AssetContent => ({
  name,
  description: null,
  assetType: 'table',
  owner: null,
  tags: [],
  metadata: null,
  ...extra,
});
const ALL: LineageRequest = { direction: 'both', maxDepth: 20, maxNodes: 1_000, types: DEPENDENCY_TYPES };

describe('asset repositories (cloned database, no HTTP)', () => {
  let t: TestContext;
  let assets: AssetRepository;
  let edges: AssetDependencyRepository;
  const tenant = newPrincipal();
  const other = newPrincipal();
  const asTenant = <T>(work: () => Promise<T>) => t.inTenant(tenant, work);

  beforeAll(async () => {
    t = await startTestContext();
    assets = t.get(AssetRepository);
    edges = t.get(AssetDependencyRepository);
  });
  afterAll(() => t.close());

  describe('list and count', () => {
    beforeAll(async () => {
      await asTenant(async () => {
        await assets.add(
          content('sales.orders', { owner: 'finance', tags: ['sales', 'null', ' spaced '], description: 'One row per order' }),
        );
        await assets.add(content('sales.refunds', { owner: 'finance', tags: ['sales'] }));
        await assets.add(content('ml.churn', { assetType: 'model', owner: 'ml', metadata: { framework: 'xgboost' } }));
        await assets.add(content('100%_done', { assetType: 'metric' }));
      });
      await t.inTenant(other, () => assets.add(content('sales.orders', { owner: 'finance', tags: ['sales'] })));
    });

    const names = (filters: object, limit = 50) =>
      asTenant(async () => (await assets.page(filters, { limit })).items.map((asset) => asset.name));

    it('lists newest first, filtered by type, owner, tag and text, and counts exactly the same', async () => {
      const cases: [object, string[]][] = [
        [{}, ['100%_done', 'ml.churn', 'sales.refunds', 'sales.orders']],
        [{ assetType: 'model' }, ['ml.churn']],
        [{ owner: 'finance' }, ['sales.refunds', 'sales.orders']],
        [{ tag: 'sales' }, ['sales.refunds', 'sales.orders']],
        [{ tag: 'null' }, ['sales.orders']],
        [{ q: 'ORDER' }, ['sales.orders']],
        [{ q: 'one row' }, ['sales.orders']],
        [{ q: '%' }, ['100%_done']],
        [{ owner: 'finance', tag: 'sales', q: 'refund' }, ['sales.refunds']],
        [{ tag: 'nothing' }, []],
      ];
      for (const [filters, expected] of cases) {
        expect(await names(filters)).toEqual(expected);
        expect(await asTenant(() => assets.countMatching(filters))).toBe(expected.length);
      }
    });

    it('keeps tags exactly as written (an element "null", surrounding spaces) and metadata as JSON', async () => {
      const [orders] = (await asTenant(() => assets.page({ q: 'sales.orders' }, { limit: 1 }))).items;
      expect(orders.tags).toEqual(['sales', 'null', ' spaced ']);
      expect(new Date(orders.createdAt).toISOString()).toBe(orders.createdAt);
      const [churn] = (await asTenant(() => assets.page({ assetType: 'model' }, { limit: 1 }))).items;
      expect(churn.metadata).toEqual({ framework: 'xgboost' });
    });

    it('pages by cursor without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await asTenant(() => assets.page({}, { limit: 3, cursor }));
        seen.push(...page.items.map((asset) => asset.name));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(['100%_done', 'ml.churn', 'sales.refunds', 'sales.orders']);
    });

    it('never returns, counts or changes another tenant’s assets', async () => {
      const [theirs] = (await t.inTenant(other, () => assets.page({}, { limit: 1 }))).items;
      expect(await t.inTenant(other, () => assets.countMatching({}))).toBe(1);
      expect(await asTenant(() => assets.view(theirs.id))).toBeUndefined();
      expect(await asTenant(() => assets.change(theirs.id, { name: 'stolen' }))).toBeUndefined();
      expect(await asTenant(() => assets.remove(theirs.id))).toBe(false);
      expect(await asTenant(() => assets.existing([theirs.id]))).toEqual([]);
      expect((await t.inTenant(other, () => assets.view(theirs.id)))?.name).toBe('sales.orders');
    });

    it('counts nothing for a tenant without assets', async () => {
      expect(await t.inTenant(newPrincipal(), () => assets.countMatching({}))).toBe(0);
      expect(await t.inTenant(newPrincipal(), () => assets.page({}, { limit: 5 }))).toEqual({ items: [], nextCursor: null });
    });
  });

  describe('lineage', () => {
    const graph = newPrincipal();
    const ids: Record<string, string> = {};
    const name = (id: string) => Object.entries(ids).find(([, value]) => value === id)?.[0];
    const inGraph = <T>(work: () => Promise<T>) => t.inTenant(graph, work);
    const lineageOf = async (of: string, request: Partial<LineageRequest> = {}) => {
      const lineage = await inGraph(() => edges.lineage(ids[of], { ...ALL, ...request }));
      return {
        nodes: lineage.nodes.map((node) => `${name(node.id)}:${node.depth}`).sort(),
        edges: lineage.edges.map((edge) => `${name(edge.upstreamId)}→${name(edge.downstreamId)}:${edge.type}`).sort(),
        truncated: lineage.truncated,
      };
    };

    /** raw → clean → (report, features); features → model; model --metadata--> clean (a cycle); schedule --control--> report. */
    beforeAll(async () => {
      await inGraph(async () => {
        for (const node of ['raw', 'clean', 'report', 'features', 'model', 'schedule']) ids[node] = (await assets.add(content(node))).id;
        await edges.declare(ids.clean, ids.raw, graph.tenantId, 'data');
        await edges.declare(ids.report, ids.clean, graph.tenantId, 'data');
        await edges.declare(ids.features, ids.clean, graph.tenantId, 'data');
        await edges.declare(ids.model, ids.features, graph.tenantId, 'data');
        await edges.declare(ids.clean, ids.model, graph.tenantId, 'metadata');
        await edges.declare(ids.report, ids.schedule, graph.tenantId, 'control');
      });
    });

    it('walks downstream each asset once at its nearest depth, through a cycle without looping', async () => {
      expect(await lineageOf('raw', { direction: 'downstream' })).toEqual({
        nodes: ['clean:1', 'features:2', 'model:3', 'raw:0', 'report:2'],
        edges: ['clean→features:data', 'clean→report:data', 'features→model:data', 'model→clean:metadata', 'raw→clean:data'],
        truncated: false,
      });
    });

    it('walks upstream, and both ways (never turning: what an upstream asset feeds is not its lineage), following only the asked types', async () => {
      expect((await lineageOf('report', { direction: 'upstream', types: ['data'] })).nodes).toEqual(['clean:1', 'raw:2', 'report:0']);
      expect((await lineageOf('report', { direction: 'upstream', types: ['control'] })).nodes).toEqual(['report:0', 'schedule:1']);
      expect((await lineageOf('features', { direction: 'both' })).nodes).toEqual(['clean:1', 'features:0', 'model:1', 'raw:2', 'report:3']);
    });

    it('stops at maxDepth and at maxNodes, saying so', async () => {
      expect((await lineageOf('raw', { direction: 'downstream', maxDepth: 1 })).nodes).toEqual(['clean:1', 'raw:0']);
      const capped = await lineageOf('raw', { direction: 'downstream', maxNodes: 2 });
      expect(capped.nodes).toEqual(['clean:1', 'raw:0']);
      expect(capped.truncated).toBe(true);
    });

    it('finds nothing for an asset of another tenant', async () => {
      expect((await t.inTenant(other, () => edges.lineage(ids.raw, ALL))).nodes).toEqual([]);
    });

    it('pages an asset’s edges by direction and type', async () => {
      const page = (direction: 'upstream' | 'downstream' | 'both', type?: 'data' | 'metadata') =>
        inGraph(async () =>
          (await edges.page(ids.clean, direction, type, { limit: 10 })).items
            .map((edge) => `${name(edge.upstreamId)}→${name(edge.downstreamId)}`)
            .sort(),
        );
      expect(await page('upstream')).toEqual(['model→clean', 'raw→clean']);
      expect(await page('upstream', 'metadata')).toEqual(['model→clean']);
      expect(await page('downstream')).toEqual(['clean→features', 'clean→report']);
      expect(await page('both')).toHaveLength(4);
    });

    it('replaces the edges a workflow derives, leaving declared ones alone', async () => {
      // No workflow row exists in this tier's fixture: the foreign key refuses an unknown workflow.
      await expect(inGraph(() => edges.replaceDerived('00000000-0000-7000-8000-0000000000ff', [ids.raw], [ids.report]))).rejects.toThrow(
        /foreign key/,
      );
    });
  });
});
