import { TASK_STATES } from './task-state.js';
import { countsPerProject, taskStats } from './task-stats.js';

describe('taskStats', () => {
  const counts = [
    { projectId: 'b', state: 'running', count: 2 },
    { projectId: null, state: 'pending', count: 1 },
    { projectId: 'a', state: 'pending', count: 3 },
    { projectId: 'a', state: 'completed', count: 4 },
  ] as const;

  it('totals every state, naming the states no task is in', () => {
    const stats = taskStats(counts);
    expect(stats.total).toBe(10);
    expect(Object.keys(stats.byState).sort()).toEqual([...TASK_STATES].sort());
    expect(stats.byState).toMatchObject({ pending: 4, running: 2, completed: 4, failed: 0, cancelled: 0, awaiting_approval: 0 });
    expect(stats).not.toHaveProperty('byProject');
  });

  it('breaks the counts down per project when asked, tasks of no project first', () => {
    const { byProject } = taskStats(counts, 'project');
    expect(byProject!.map(({ projectId, total }) => [projectId, total])).toEqual([
      [null, 1],
      ['a', 7],
      ['b', 2],
    ]);
    expect(byProject![1].byState).toMatchObject({ pending: 3, completed: 4, running: 0 });
  });

  it('counts nothing as zeros', () => {
    expect(taskStats([], 'project')).toEqual({ total: 0, byState: expect.objectContaining({ pending: 0 }), byProject: [] });
  });
});

describe('counts per project', () => {
  it('gives every project asked for every state, zeros where it has no tasks, and ignores others', () => {
    const counts = countsPerProject(
      ['p1', 'p2'],
      [
        { projectId: 'p1', state: 'pending', count: 2 },
        { projectId: 'p1', state: 'failed', count: 1 },
        { projectId: 'p3', state: 'pending', count: 5 },
        { projectId: null, state: 'pending', count: 7 },
      ],
    );
    expect([...counts.keys()]).toEqual(['p1', 'p2']);
    expect(counts.get('p1')).toEqual({
      total: 3,
      byState: { pending: 2, running: 0, awaiting_approval: 0, completed: 0, failed: 1, cancelled: 0 },
    });
    expect(counts.get('p2')).toEqual({
      total: 0,
      byState: { pending: 0, running: 0, awaiting_approval: 0, completed: 0, failed: 0, cancelled: 0 },
    });
  });
});
