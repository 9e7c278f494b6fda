import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { Page } from '../../platform/pagination/page.js';
import { GLOBAL_TENANT_ID } from '../../platform/tenancy/global-catalogue.js';
import { AssetRepository } from './asset.repository.js';
import { AssetDependencyRepository } from './asset-dependency.repository.js';
import type { DependencyView, Lineage, LineageRequest } from './asset-graph.js';
import { AssetProblems } from './asset-problems.js';
import type { CreateDependencyDto } from './dto/create-dependency.dto.js';
import type { ListDependenciesQuery } from './dto/list-dependencies.query.js';

/**
 * The typed dependency graph between the tenant's assets (and onto global ones), read together with
 * the global catalogue's edges between global assets. Exported: workflows derive edges through it.
 */
@Injectable()
export class AssetDependenciesService {
  constructor(
    private readonly assets: AssetRepository,
    private readonly dependencies: AssetDependencyRepository,
  ) {}

  async declare(assetId: string, input: CreateDependencyDto): Promise<DependencyView> {
    if (input.upstreamId === assetId) throw AssetProblems.selfDependency();
    const visible = new Map((await this.assets.visible([assetId, input.upstreamId])).map(({ id, tenantId }) => [id, tenantId]));
    const downstreamTenant = visible.get(assetId);
    const upstreamTenant = visible.get(input.upstreamId);
    if (!downstreamTenant) throw AssetProblems.notFound();
    if (downstreamTenant === GLOBAL_TENANT_ID) throw AssetProblems.globalReadOnly();
    if (!upstreamTenant) throw AssetProblems.unknownUpstream();
    try {
      return await this.dependencies.declare(assetId, input.upstreamId, upstreamTenant, input.type);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw AssetProblems.duplicateDependency();
      throw error;
    }
  }

  async remove(assetId: string, dependencyId: string): Promise<void> {
    const dependency = await this.dependencies.into(assetId, dependencyId);
    if (!dependency) throw AssetProblems.notFound('dependency');
    if (dependency.global) throw AssetProblems.globalReadOnly();
    if (dependency.workflowId) throw AssetProblems.derivedDependency(dependency.workflowId);
    await this.dependencies.remove(dependencyId);
  }

  async list(assetId: string, query: ListDependenciesQuery): Promise<Page<DependencyView>> {
    const page = await this.dependencies.page(assetId, query.direction, query.type, query);
    if (page.items.length === 0 && !query.cursor && (await this.assets.visible([assetId])).length === 0) throw AssetProblems.notFound();
    return page;
  }

  async lineage(assetId: string, request: LineageRequest): Promise<Lineage> {
    const lineage = await this.dependencies.lineage(assetId, request);
    if (lineage.nodes.length === 0) throw AssetProblems.notFound();
    return lineage;
  }

  /** Makes a workflow's edges every declared input → every declared output (`data`), replacing the previous ones. */
  deriveFromWorkflow(workflowId: string, inputs: readonly string[], outputs: readonly string[]): Promise<void> {
    return this.dependencies.replaceDerived(workflowId, inputs, outputs);
  }
}
