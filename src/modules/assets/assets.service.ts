import { ForeignKeyConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { Page } from '../../platform/pagination/page.js';
import { AssetRepository } from './asset.repository.js';
import type { AssetContent, AssetFilters, AssetView } from './asset-content.js';
import { assertStorableMetadata } from './asset-limits.js';
import { AssetProblems } from './asset-problems.js';
import type { CreateAssetDto } from './dto/create-asset.dto.js';
import type { ListAssetsQuery } from './dto/list-assets.query.js';
import type { UpdateAssetDto } from './dto/update-asset.dto.js';

/** The assets of the current tenant. Exported: workflows check the assets they declare through it. */
@Injectable()
export class AssetsService {
  constructor(private readonly assets: AssetRepository) {}

  async create(input: CreateAssetDto): Promise<AssetView> {
    assertStorableMetadata(input.metadata);
    const content: AssetContent = {
      name: input.name,
      description: input.description ?? null,
      assetType: input.assetType,
      owner: input.owner ?? null,
      tags: input.tags ?? [],
      metadata: input.metadata ?? null,
    };
    return refusingTakenName(content.name, () => this.assets.add(content));
  }

  async get(id: string): Promise<AssetView> {
    return (await this.assets.view(id)) ?? notFound();
  }

  async update(id: string, changes: UpdateAssetDto): Promise<AssetView> {
    assertStorableMetadata(changes.metadata);
    const given = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<AssetContent>;
    if (Object.keys(given).length === 0) return this.get(id);
    return (await refusingTakenName(changes.name ?? '', () => this.assets.change(id, given))) ?? this.refuseWrite(id);
  }

  async delete(id: string): Promise<void> {
    let removed: boolean;
    try {
      removed = await this.assets.remove(id);
    } catch (error) {
      if (error instanceof ForeignKeyConstraintViolationException) throw AssetProblems.declaredByWorkflows();
      throw error;
    }
    if (!removed) await this.refuseWrite(id);
  }

  /** Why a write reached no asset of the tenant: a global one (403) or none it can read (404). */
  private async refuseWrite(id: string): Promise<never> {
    if ((await this.assets.view(id))?.global) throw AssetProblems.globalReadOnly();
    return notFound();
  }

  list(query: ListAssetsQuery): Promise<Page<AssetView>> {
    return this.assets.page(filtersOf(query), query);
  }

  async count(filters: AssetFilters): Promise<{ count: number }> {
    return { count: await this.assets.countMatching(filtersOf(filters)) };
  }

  /** The ids of the named assets, creating the missing ones as `assetType` (for lineage reported by other systems). */
  async ensureNamed(names: readonly string[], assetType: string): Promise<Map<string, string>> {
    return new Map((await this.assets.ensureNamed(names, assetType)).map(({ id, name }) => [name, id]));
  }

  /** The ids among `ids` that are not assets of the tenant's own (global ones included: they cannot be declared). */
  async missing(ids: readonly string[]): Promise<string[]> {
    const existing = new Set(await this.assets.existing(ids));
    return ids.filter((id) => !existing.has(id));
  }
}

function filtersOf({ assetType, owner, tag, q, global }: AssetFilters): AssetFilters {
  return { assetType, owner, tag, q, global };
}

async function refusingTakenName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw AssetProblems.nameTaken(name);
    throw error;
  }
}

function notFound(): never {
  throw AssetProblems.notFound();
}
