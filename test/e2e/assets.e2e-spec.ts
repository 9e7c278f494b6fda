import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

describe('assets (HTTP)', () => {
  let testApp: TestApp;
  const alice = bearer(tokenFor({ tenant: 'assets-a', sub: 'alice' }));
  const bob = bearer(tokenFor({ tenant: 'assets-b', sub: 'bob' }));
  const api = () => request(testApp.server);
  const create = async (auth: Record<string, string>, body: object) =>
    (await api().post('/api/assets').set(auth).send(body).expect(201)).body as { id: string; name: string };

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('creates, reads, updates and deletes an asset', async () => {
    const response = await api()
      .post('/api/assets')
      .set(alice)
      .send({
        name: 'crud.orders',
        assetType: 'table',
        description: 'Orders',
        owner: 'sales-eng',
        tags: ['sales', ' sales '],
        metadata: { rows: 3 },
      })
      .expect(201);
    const asset = response.body;
    expect(response.headers.location).toBe(`/api/assets/${asset.id}`);
    expect(asset).toEqual({
      id: asset.id,
      name: 'crud.orders',
      description: 'Orders',
      assetType: 'table',
      owner: 'sales-eng',
      tags: ['sales'],
      metadata: { rows: 3 },
      createdAt: expect.stringMatching(/Z$/),
      updatedAt: asset.createdAt,
      global: false,
    });
    expect((await api().get(`/api/assets/${asset.id}`).set(alice).expect(200)).body).toEqual(asset);

    const updated = (
      await api()
        .patch(`/api/assets/${asset.id}`)
        .set(alice)
        .send({ description: null, tags: ['finance'] })
        .expect(200)
    ).body;
    expect(updated).toMatchObject({ name: 'crud.orders', description: null, tags: ['finance'], owner: 'sales-eng' });
    expect(updated.updatedAt >= asset.updatedAt).toBe(true);

    await api().delete(`/api/assets/${asset.id}`).set(alice).expect(204);
    await api().get(`/api/assets/${asset.id}`).set(alice).expect(404);
    await api().delete(`/api/assets/${asset.id}`).set(alice).expect(404);
  });

  it('refuses a taken name with 409 asset-name-taken, also on rename', async () => {
    await create(alice, { name: 'dup.name', assetType: 'table' });
    const refused = await api().post('/api/assets').set(alice).send({ name: 'dup.name', assetType: 'view' }).expect(409);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({
      type: 'https://tessera.dev/problems/asset-name-taken',
      code: 'ASSET_NAME_TAKEN',
      errors: [{ field: 'name' }],
    });
    const other = await create(alice, { name: 'dup.other', assetType: 'table' });
    await api().patch(`/api/assets/${other.id}`).set(alice).send({ name: 'dup.name' }).expect(409);
    // Names are unique per tenant only.
    await create(bob, { name: 'dup.name', assetType: 'table' });
  });

  it('refuses bad input with a problem naming the field', async () => {
    const invalid = async (body: object, field: string, status = 400) => {
      const response = await api().post('/api/assets').set(alice).send(body).expect(status);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    };
    await invalid({ name: 'x', assetType: 'Not An Identifier' }, 'assetType');
    await invalid({ name: '  ', assetType: 'table' }, 'name');
    await invalid({ name: 'x', assetType: 'table', tags: Array.from({ length: 51 }, (_, index) => `t${index}`) }, 'tags');
    await invalid({ name: 'x', assetType: 'table', tenantId: 'assets-b' }, 'tenantId');
    await invalid({ name: 'x', assetType: 'table', metadata: { blob: 'x'.repeat(70_000) } }, 'metadata', 413);
    await api().patch('/api/assets/not-a-uuid').set(alice).send({}).expect(400);
    const asset = await create(alice, { name: 'bad.update', assetType: 'table' });
    await api().patch(`/api/assets/${asset.id}`).set(alice).send({ name: null }).expect(400);
  });

  it('lists newest first in pages, filtered, and counts the same', async () => {
    const carol = bearer(tokenFor({ tenant: 'assets-list', sub: 'carol' }));
    for (let index = 0; index < 5; index += 1) {
      await create(carol, {
        name: `list.${index}`,
        assetType: index % 2 ? 'view' : 'table',
        tags: index < 2 ? ['hot'] : [],
        owner: 'team',
      });
    }
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/assets?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await api().get(query).set(carol).expect(200)).body;
      names.push(...page.items.map((asset: { name: string }) => asset.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(names).toEqual(['list.4', 'list.3', 'list.2', 'list.1', 'list.0']);
    expect(
      (await api().get('/api/assets?assetType=view').set(carol).expect(200)).body.items.map((asset: { name: string }) => asset.name),
    ).toEqual(['list.3', 'list.1']);
    expect((await api().get('/api/assets/count').set(carol).expect(200)).body).toEqual({ count: 5 });
    expect((await api().get('/api/assets/count?tag=hot').set(carol).expect(200)).body).toEqual({ count: 2 });
    expect((await api().get('/api/assets/count?q=LIST.3&owner=team').set(carol).expect(200)).body).toEqual({ count: 1 });
    await api().get('/api/assets?cursor=nonsense').set(carol).expect(400);
    await api().get('/api/assets?limit=201').set(carol).expect(400);
  });

  it('isolates tenants: another tenant’s asset is 404 to read, change or delete, and absent from lists and counts', async () => {
    const theirs = await create(bob, { name: 'isolated.secret', assetType: 'table' });
    await api().get(`/api/assets/${theirs.id}`).set(alice).expect(404);
    await api().patch(`/api/assets/${theirs.id}`).set(alice).send({ name: 'stolen' }).expect(404);
    await api().delete(`/api/assets/${theirs.id}`).set(alice).expect(404);
    expect((await api().get('/api/assets?q=isolated').set(alice).expect(200)).body.items).toEqual([]);
    expect((await api().get('/api/assets/count?q=isolated').set(alice).expect(200)).body).toEqual({ count: 0 });
    expect((await api().get(`/api/assets/${theirs.id}`).set(bob).expect(200)).body.name).toBe('isolated.secret');
  });

  it('replays a create with the same Idempotency-Key', async () => {
    const send = () =>
      api().post('/api/assets').set(alice).set('Idempotency-Key', 'asset-create-1').send({ name: 'idempotent.asset', assetType: 'file' });
    const first = (await send().expect(201)).body;
    expect((await send().expect(201)).body.id).toBe(first.id);
  });

  describe('dependencies and lineage', () => {
    const dave = bearer(tokenFor({ tenant: 'assets-graph', sub: 'dave' }));
    const ids: Record<string, string> = {};
    const name = (id: string) => Object.entries(ids).find(([, value]) => value === id)?.[0];
    const depend = (downstream: string, upstream: string, type = 'data') =>
      api().post(`/api/assets/${ids[downstream]}/dependencies`).set(dave).send({ upstreamId: ids[upstream], type });

    /** raw → clean → report; clean → features → model --metadata--> clean (a cycle). */
    beforeAll(async () => {
      for (const node of ['raw', 'clean', 'report', 'features', 'model'])
        ids[node] = (await create(dave, { name: node, assetType: 'table' })).id;
      for (const [downstream, upstream, type] of [
        ['clean', 'raw'],
        ['report', 'clean'],
        ['features', 'clean'],
        ['model', 'features'],
        ['clean', 'model', 'metadata'],
      ]) {
        await depend(downstream, upstream, type).expect(201);
      }
    });

    const lineage = async (of: string, query = '') => {
      const body = (await api().get(`/api/assets/${ids[of]}/lineage${query}`).set(dave).expect(200)).body;
      return {
        nodes: body.nodes.map((node: { id: string; depth: number }) => `${name(node.id)}:${node.depth}`).sort(),
        edges: body.edges
          .map(
            (edge: { upstreamId: string; downstreamId: string; type: string }) =>
              `${name(edge.upstreamId)}→${name(edge.downstreamId)}:${edge.type}`,
          )
          .sort(),
        truncated: body.truncated,
      };
    };

    it('refuses a duplicate (409), a self-edge (400), a foreign or unknown upstream (404) and an unknown type (400)', async () => {
      expect((await depend('clean', 'raw').expect(409)).body.code).toBe('ASSET_DEPENDENCY_EXISTS');
      await depend('clean', 'raw', 'control').expect(201);
      expect((await depend('clean', 'clean').expect(400)).body).toMatchObject({
        code: 'VALIDATION_FAILED',
        detail: 'An asset cannot depend on itself.',
        errors: [{ field: 'upstreamId' }],
      });
      const foreign = await create(bob, { name: 'foreign.upstream', assetType: 'table' });
      const foreignUpstream = await api()
        .post(`/api/assets/${ids.clean}/dependencies`)
        .set(dave)
        .send({ upstreamId: foreign.id, type: 'data' })
        .expect(404);
      expect(foreignUpstream.body).toMatchObject({ code: 'UPSTREAM_ASSET_NOT_FOUND', errors: [{ field: 'upstreamId' }] });
      expect(
        (await api().post(`/api/assets/${foreign.id}/dependencies`).set(dave).send({ upstreamId: ids.clean, type: 'data' }).expect(404))
          .body.code,
      ).toBe('ASSET_NOT_FOUND');
      await depend('clean', 'raw', 'lineage').expect(400);
    });

    it('lists an asset’s dependencies by direction and type, and deletes one', async () => {
      const list = async (query: string) =>
        (await api().get(`/api/assets/${ids.clean}/dependencies${query}`).set(dave).expect(200)).body.items
          .map(
            (edge: { upstreamId: string; downstreamId: string; type: string }) =>
              `${name(edge.upstreamId)}→${name(edge.downstreamId)}:${edge.type}`,
          )
          .sort();
      expect(await list('?direction=upstream')).toEqual(['model→clean:metadata', 'raw→clean:control', 'raw→clean:data']);
      expect(await list('?direction=downstream')).toEqual(['clean→features:data', 'clean→report:data']);
      expect(await list('?type=control')).toEqual(['raw→clean:control']);
      const control = (await api().get(`/api/assets/${ids.clean}/dependencies?type=control`).set(dave).expect(200)).body.items[0];
      await api().delete(`/api/assets/${ids.report}/dependencies/${control.id}`).set(dave).expect(404);
      await api().delete(`/api/assets/${ids.clean}/dependencies/${control.id}`).set(bob).expect(404);
      await api().delete(`/api/assets/${ids.clean}/dependencies/${control.id}`).set(dave).expect(204);
      expect(await list('?type=control')).toEqual([]);
      await api().get(`/api/assets/${ids.clean}/dependencies`).set(bob).expect(404);
    });

    it('walks lineage up, down and both ways, to a depth, through the cycle', async () => {
      expect(await lineage('raw', '?direction=downstream')).toEqual({
        nodes: ['clean:1', 'features:2', 'model:3', 'raw:0', 'report:2'],
        edges: ['clean→features:data', 'clean→report:data', 'features→model:data', 'model→clean:metadata', 'raw→clean:data'],
        truncated: false,
      });
      expect((await lineage('report', '?direction=upstream&types=data')).nodes).toEqual(['clean:1', 'raw:2', 'report:0']);
      expect((await lineage('report', '?direction=upstream')).nodes).toEqual(['clean:1', 'features:3', 'model:2', 'raw:2', 'report:0']);
      expect((await lineage('raw', '?direction=downstream&maxDepth=1')).nodes).toEqual(['clean:1', 'raw:0']);
      expect((await lineage('features', '?maxNodes=2')).truncated).toBe(true);
      await api().get(`/api/assets/${ids.raw}/lineage?maxDepth=21`).set(dave).expect(400);
      await api().get(`/api/assets/${ids.raw}/lineage?types=data,nonsense`).set(dave).expect(400);
      await api().get(`/api/assets/${ids.raw}/lineage`).set(bob).expect(404);
    });

    it('renders lineage as Mermaid and as DOT', async () => {
      const mermaid = await api()
        .get(`/api/assets/${ids.raw}/lineage?direction=downstream&maxDepth=1&format=mermaid`)
        .set(dave)
        .expect(200);
      expect(mermaid.headers['content-type']).toMatch(/^text\/plain/);
      expect(mermaid.text).toBe('flowchart LR\n  n0["raw<br/>table"]\n  n1["clean<br/>table"]\n  n0 -->|data| n1\n');
      const dot = await api().get(`/api/assets/${ids.raw}/lineage?direction=downstream&maxDepth=1&format=dot`).set(dave).expect(200);
      expect(dot.text).toBe(
        'digraph lineage {\n  rankdir=LR;\n  n0 [label="raw\\ntable"];\n  n1 [label="clean\\ntable"];\n  n0 -> n1 [label="data"];\n}\n',
      );
    });

    it('deletes an asset with its edges, in the same transaction', async () => {
      await api().delete(`/api/assets/${ids.model}`).set(dave).expect(204);
      expect((await lineage('raw', '?direction=downstream')).edges).toEqual(['clean→features:data', 'clean→report:data', 'raw→clean:data']);
    });
  });
});
