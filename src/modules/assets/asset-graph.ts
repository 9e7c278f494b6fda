import type { DependencyType } from './asset-type.js';

export type LineageDirection = 'upstream' | 'downstream' | 'both';

export interface LineageRequest {
  direction: LineageDirection;
  maxDepth: number;
  maxNodes: number;
  types: readonly DependencyType[];
}

export interface LineageNode {
  id: string;
  name: string;
  assetType: string;
  depth: number;
  global: boolean;
}

export interface LineageEdge {
  upstreamId: string;
  downstreamId: string;
  type: DependencyType;
}

/** The graph around an asset: each asset once, at its nearest depth; `truncated` when a cap cut it. */
export interface Lineage {
  nodes: LineageNode[];
  edges: LineageEdge[];
  truncated: boolean;
}

export interface DependencyView {
  id: string;
  upstreamId: string;
  downstreamId: string;
  type: DependencyType;
  /** Set when a workflow's declared inputs and outputs made this edge (it goes with the workflow). */
  workflowId: string | null;
  createdAt: string;
  /** A global catalogue edge between two global assets: every tenant reads it, none changes it. */
  global: boolean;
}
