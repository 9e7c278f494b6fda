import { LINEAGE_EDGES_PER_NODE, type LineageQuery } from './dto/lineage.query.js';
import type { TaskState } from './task-state.js';

export type LineageDirection = 'upstream' | 'downstream';

export interface Lineage {
  nodes: {
    id: string;
    state: TaskState;
    projectId: string | null;
    currentAgent: string | null;
    depth: number;
    direction: 'self' | LineageDirection;
  }[];
  edges: { from: string; to: string }[];
  truncated: boolean;
  hint?: string;
}

/** The most edges a lineage returns. */
export function maxEdgesOf(query: Pick<LineageQuery, 'maxNodes'>): number {
  return query.maxNodes * LINEAGE_EDGES_PER_NODE;
}

/** A truncated lineage says how to see the rest of it. */
export function withHint(lineage: Lineage, query: LineageQuery): Lineage {
  if (!lineage.truncated) return lineage;
  return {
    ...lineage,
    hint: `More than ${query.maxNodes} tasks or ${maxEdgesOf(query)} dependencies are within reach; the nearest are returned. Ask for a smaller maxDepth (now ${query.maxDepth})${query.direction === 'both' ? ' or one direction' : ''} to see all of a narrower graph.`,
  };
}
