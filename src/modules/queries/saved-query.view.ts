import type { EntityDTO } from '@mikro-orm/core';
import type { SavedQuery } from './saved-query.entity.js';

export function savedQueryView(savedQuery: SavedQuery | EntityDTO<SavedQuery>) {
  return {
    id: savedQuery.id,
    name: savedQuery.name,
    description: savedQuery.description ?? null,
    query: savedQuery.query,
    ownerId: savedQuery.ownerId,
    createdAt: savedQuery.createdAt,
    updatedAt: savedQuery.updatedAt,
  };
}
export type SavedQueryView = ReturnType<typeof savedQueryView>;
