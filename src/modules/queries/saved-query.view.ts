import type { SavedQuery } from './saved-query.entity.js';

/** A saved query as the API shows it. */
export interface SavedQueryView {
  id: string;
  name: string;
  description: string | null;
  query: Record<string, unknown>;
  ownerId: string;
  /** Instants as the API writes them (ISO 8601, UTC, milliseconds). */
  createdAt: string;
  updatedAt: string;
}

export function savedQueryView(savedQuery: SavedQuery): SavedQueryView {
  return {
    id: savedQuery.id,
    name: savedQuery.name,
    description: savedQuery.description ?? null,
    query: savedQuery.query,
    ownerId: savedQuery.ownerId,
    createdAt: savedQuery.createdAt.toISOString(),
    updatedAt: savedQuery.updatedAt.toISOString(),
  };
}
