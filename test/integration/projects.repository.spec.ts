import { ListProjectsQuery } from '../../src/modules/projects/dto/list-projects.query.js';
import { ProjectRepository } from '../../src/modules/projects/project.repository.js';
import { ProjectsService } from '../../src/modules/projects/projects.service.js';
import { TasksService } from '../../src/modules/tasks/tasks.service.js';
import type { Principal } from '../../src/platform/auth/principal.js';
import { captureStatements } from '../support/statement-capture.js';
import { newPrincipal, startTestContext, type TestContext } from '../support/test-context.js';

describe('project repository and service (cloned database, no HTTP)', () => {
  let t: TestContext;
  let projects: ProjectRepository;
  let service: ProjectsService;
  let tasks: TasksService;
  const owner = newPrincipal();
  const stranger = newPrincipal();
  const ids: Record<string, string> = {};

  const add = (principal: Principal, name: string) =>
    t.inTenant(principal, async () => (await projects.add({ name, description: null, settings: { n: 1 }, archivedAt: null })).id);
  const pageOf = (fields: Partial<ListProjectsQuery>) => Object.assign(new ListProjectsQuery(), fields);

  beforeAll(async () => {
    t = await startTestContext();
    projects = t.get(ProjectRepository);
    service = t.get(ProjectsService);
    tasks = t.get(TasksService);
    for (const name of ['Alpha', 'Beta', 'a_b', 'Gamma']) ids[name] = await add(owner, name);
    ids.strangers = await add(stranger, 'Alpha');
    await t.inTenant(owner, () => projects.change(ids.Gamma, { archivedAt: 'now' }));
    for (const state of ['pending', 'pending', 'cancelled'] as const) {
      await t.inTenant(owner, async () => {
        const task = await tasks.create({ prompt: 'p', projectId: ids.Alpha });
        if (state === 'cancelled') await tasks.transition(task.id, { to: 'cancelled' });
      });
    }
  });
  afterAll(() => t.close());

  it('reads, changes and removes the tenant’s projects only', async () => {
    expect(await t.inTenant(stranger, () => projects.view(ids.Alpha))).toBeUndefined();
    expect(await t.inTenant(stranger, () => projects.change(ids.Alpha, { name: 'Stolen' }))).toBeUndefined();
    expect(await t.inTenant(stranger, () => projects.remove(ids.Beta))).toBe(false);
    expect(await t.inTenant(stranger, () => projects.lockedForChange(ids.Beta))).toBeUndefined();
    expect(await t.inTenant(owner, () => projects.view(ids.Alpha))).toMatchObject({ name: 'Alpha', settings: { n: 1 }, archivedAt: null });
  });

  it('archives once: archiving again keeps the first instant', async () => {
    const first = (await t.inTenant(owner, () => projects.view(ids.Gamma)))!.archivedAt;
    expect(first).toMatch(/Z$/);
    const again = await t.inTenant(owner, () => projects.change(ids.Gamma, { archivedAt: 'now' }));
    expect(again!.archivedAt).toBe(first);
  });

  it('pages and counts with the filters, over the tenant’s projects only', async () => {
    const cases: [Partial<ListProjectsQuery>, string[]][] = [
      [{}, ['Gamma', 'a_b', 'Beta', 'Alpha']],
      [{ q: 'A' }, ['Gamma', 'a_b', 'Beta', 'Alpha']],
      [{ q: '_' }, ['a_b']],
      [{ q: 'alp' }, ['Alpha']],
      [{ archived: true }, ['Gamma']],
      [{ archived: false, q: 'a' }, ['a_b', 'Beta', 'Alpha']],
    ];
    for (const [filters, expected] of cases) {
      const page = await t.inTenant(owner, () => projects.page(filters, pageOf(filters)));
      expect(page.items.map((row) => row.name)).toEqual(expected);
      expect(await t.inTenant(owner, () => projects.countMatching(filters))).toBe(expected.length);
    }
    expect(await t.inTenant(newPrincipal(), () => projects.countMatching({}))).toBe(0);
  });

  it('counts what every project of a page holds in one statement per module, however long the page', async () => {
    const statementsFor = async (limit: number) => {
      let items: Awaited<ReturnType<ProjectsService['list']>>['items'] = [];
      const captured = await captureStatements(owner, () =>
        t.inTenant(owner, async () => {
          items = (await service.list(pageOf({ limit }))).items;
        }),
      );
      return { captured, items };
    };
    const one = await statementsFor(1);
    const all = await statementsFor(50);
    expect(one.captured).toHaveLength(3);
    expect(all.captured).toHaveLength(3);
    expect(all.items.find((item) => item.id === ids.Alpha)).toMatchObject({
      taskCounts: { total: 3, byState: { pending: 2, cancelled: 1 } },
      dashboardCount: 0,
    });
    expect(all.items.find((item) => item.id === ids.Beta)).toMatchObject({ taskCounts: { total: 0 }, dashboardCount: 0 });
  });

  it('refuses to delete a project with tasks, and deletes an empty one', async () => {
    await expect(t.inTenant(owner, () => service.delete(ids.Alpha))).rejects.toMatchObject({ response: { status: 409, taskCount: 3 } });
    await t.inTenant(owner, () => service.delete(ids.Beta));
    expect(await t.inTenant(owner, () => projects.view(ids.Beta))).toBeUndefined();
    await expect(t.inTenant(stranger, () => service.delete(ids.a_b))).rejects.toMatchObject({ response: { status: 404 } });
  });
});
