/**
 * The path taskId → … → taskId through a walk's answer (each reached id → a task that depends on it),
 * if the task was reached. The graph without the new edges has no cycle, so following `via` from the
 * task ends back at the task.
 */
export function traceCycle(reached: readonly { id: string; via: string }[], taskId: string): string[] | undefined {
  const cameFrom = new Map(reached.map(({ id, via }) => [id, via]));
  if (!cameFrom.has(taskId)) return undefined;
  const path = [taskId];
  for (let current = cameFrom.get(taskId)!; current !== taskId; current = cameFrom.get(current)!) {
    path.unshift(current);
  }
  return [taskId, ...path];
}
