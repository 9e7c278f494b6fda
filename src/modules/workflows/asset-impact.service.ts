import { Injectable } from '@nestjs/common';
import { AssetDependenciesService } from '../assets/asset-dependencies.service.js';
import { DEPENDENCY_TYPES } from '../assets/asset-type.js';
import { WorkflowRepository } from './workflow.repository.js';
import type { WorkflowUse } from './workflow-views.js';

/** How far impact looks: the deepest lineage, and its node cap. */
const IMPACT_DEPTH = 20;
const IMPACT_NODES = 1_000;

export interface AssetImpact {
  /** The assets downstream of the asset, nearest first, each at its nearest depth. */
  assets: { id: string; name: string; assetType: string; depth: number }[];
  /** The workflows whose latest version reads or produces the asset or one downstream of it. */
  workflows: WorkflowUse[];
  truncated: boolean;
}

/**
 * What breaks if an asset is late or wrong: everything downstream of it, over every dependency type,
 * and the workflows that read or produce any of it. Lives with workflows: assets know nothing of them.
 */
@Injectable()
export class AssetImpactService {
  constructor(
    private readonly dependencies: AssetDependenciesService,
    private readonly workflows: WorkflowRepository,
  ) {}

  async of(assetId: string): Promise<AssetImpact> {
    const lineage = await this.dependencies.lineage(assetId, {
      direction: 'downstream',
      maxDepth: IMPACT_DEPTH,
      maxNodes: IMPACT_NODES,
      types: DEPENDENCY_TYPES,
    });
    const workflows = await this.workflows.using(lineage.nodes.map((node) => node.id));
    return { assets: lineage.nodes.filter((node) => node.depth > 0), workflows, truncated: lineage.truncated };
  }
}
