import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { type SavedQueryContent, SavedQueryRepository } from '../../src/modules/queries/saved-query.repository.js';
import { SchemaConfigRepository } from '../../src/modules/queries/schema-config.repository.js';
import type { OwnedListQuery } from '../../src/platform/pagination/owned-list.query.js';
import { newPrincipal, startTestContext, type TestContext } from '../support/test-context.js';

let t: TestContext;
let savedQueries: SavedQueryRepository;
let configs: SchemaConfigRepository;

beforeAll(async () => {
  t = await startTestContext();
  savedQueries = t.get(SavedQueryRepository);
  configs = t.get(SchemaConfigRepository);
});

afterAll(async () => {
  await t?.close();
});

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function content(name: string): SavedQueryContent {
  return { name, description: null, query: { tables: [{ table: 'orders' }], columns: [{ column: 'region' }] } };
}

function query(overrides: Partial<OwnedListQuery> = {}): OwnedListQuery {
  return { limit: 50, ...overrides } as OwnedListQuery;
}

describe('SavedQueryRepository', () => {
  it('adds a saved query owned by the actor, and refuses a name the tenant already has', async () => {
    const owner = newPrincipal();
    const added = await t.inTenant(owner, () => savedQueries.add(content('Revenue')));
    expect(added).toMatchObject({ name: 'Revenue', ownerId: owner.actorId, tenantId: owner.tenantId });
    expect((await t.inTenant(owner, () => savedQueries.byId(added.id)))?.query).toEqual(content('Revenue').query);
    await expect(t.inTenant(owner, () => savedQueries.add(content('Revenue')))).rejects.toBeInstanceOf(UniqueConstraintViolationException);
    await t.inTenant(newPrincipal(), () => savedQueries.add(content('Revenue')));
  });

  it("saves changes to a loaded saved query, and never reads or removes another tenant's", async () => {
    const owner = newPrincipal();
    const stranger = newPrincipal();
    const added = await t.inTenant(owner, () => savedQueries.add(content('Before')));
    await t.inTenant(owner, async () => {
      const loaded = (await savedQueries.byId(added.id))!;
      loaded.name = 'After';
      await savedQueries.flush();
    });
    expect((await t.inTenant(owner, () => savedQueries.byId(added.id)))?.name).toBe('After');
    expect(await t.inTenant(stranger, () => savedQueries.byId(added.id))).toBeNull();
    expect(await t.inTenant(stranger, () => savedQueries.existingIds([added.id]))).toEqual(new Set());
    expect(await t.inTenant(stranger, () => savedQueries.remove(added.id))).toBe(false);
    expect(await t.inTenant(owner, () => savedQueries.existingIds([added.id, crypto.randomUUID()]))).toEqual(new Set([added.id]));
    expect(await t.inTenant(owner, () => savedQueries.existingIds([]))).toEqual(new Set());
    expect(await t.inTenant(owner, () => savedQueries.remove(added.id))).toBe(true);
  });

  describe('lists', () => {
    const tenantId = crypto.randomUUID();
    const alice = newPrincipal([], tenantId);
    const bob = newPrincipal([], tenantId);

    beforeAll(async () => {
      for (const name of ['Orders by region', '50% off campaigns', '50 off by day'])
        await t.inTenant(alice, () => savedQueries.add(content(name)));
      await t.inTenant(bob, () => savedQueries.add(content('Bob orders')));
      await t.inTenant(newPrincipal(), () => savedQueries.add(content('Foreign orders')));
    });

    const names = async (listed: OwnedListQuery) =>
      (await t.inTenant(alice, () => savedQueries.page(listed))).items.map((saved) => saved.name);

    it("lists the tenant's saved queries newest first, with instants as the API writes them", async () => {
      const page = await t.inTenant(alice, () => savedQueries.page(query()));
      expect(page.items.map((saved) => saved.name)).toEqual(['Bob orders', '50 off by day', '50% off campaigns', 'Orders by region']);
      expect(page.items[0]).toMatchObject({ ownerId: bob.actorId, description: null, query: content('x').query });
      expect(page.items[0].createdAt).toMatch(ISO_INSTANT);
    });

    it('filters by owner and by part of the name, its wildcards taken literally', async () => {
      expect(await names(query({ ownerId: bob.actorId }))).toEqual(['Bob orders']);
      expect(await names(query({ q: 'ORDERS' }))).toEqual(['Bob orders', 'Orders by region']);
      expect(await names(query({ q: '50%' }))).toEqual(['50% off campaigns']);
      expect(await names(query({ q: '_' }))).toEqual([]);
      expect(await names(query({ ownerId: alice.actorId, q: 'orders' }))).toEqual(['Orders by region']);
    });

    it('pages with cursors, neither skipping nor repeating', async () => {
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await t.inTenant(alice, () => savedQueries.page(query({ limit: 1, cursor })));
        paged.push(...page.items.map((saved) => saved.name));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(paged).toEqual(await names(query()));
    });
  });
});

describe('SchemaConfigRepository', () => {
  const tables = [{ name: 'orders', columns: [{ name: 'region' }] }];

  it('stores the first configuration once: a second first save finds it taken', async () => {
    const admin = newPrincipal(['admin']);
    expect(await t.inTenant(admin, () => configs.current())).toBeNull();
    const first = await t.inTenant(admin, () => configs.addFirst(tables));
    expect(first).toEqual({ tables, version: 1, updatedBy: admin.actorId, updatedAt: expect.any(Date) });
    expect(await t.inTenant(admin, () => configs.addFirst([]))).toBeUndefined();
    expect((await t.inTenant(admin, () => configs.current()))?.tables).toEqual(tables);
  });

  it("changes the loaded configuration under its lock, and no other tenant's", async () => {
    const admin = newPrincipal(['admin']);
    const neighbour = newPrincipal(['admin']);
    await t.inTenant(admin, () => configs.addFirst(tables));
    await t.inTenant(neighbour, () => configs.addFirst([]));
    await t.inTenant(admin, async () => {
      const config = (await configs.lockedForChange())!;
      Object.assign(config, { tables: [], version: config.version + 1 });
      await configs.flush();
    });
    expect(await t.inTenant(admin, () => configs.current())).toMatchObject({ tables: [], version: 2 });
    expect(await t.inTenant(neighbour, () => configs.current())).toMatchObject({ tables: [], version: 1 });
  });
});
