/** What a client writes of an asset. */
export interface AssetContent {
  name: string;
  description: string | null;
  assetType: string;
  owner: string | null;
  tags: string[];
  metadata: unknown;
}

/** The filters shared by the asset list and its count. */
export interface AssetFilters {
  assetType?: string;
  owner?: string;
  tag?: string;
  q?: string;
  /** The global catalogue's assets instead of the tenant's. */
  global?: boolean;
}

/** An asset as the API shows it (instants as ISO 8601 text, as JSON writes a Date). */
export interface AssetView extends AssetContent {
  id: string;
  createdAt: string;
  updatedAt: string;
  /** A global catalogue entry: every tenant reads it, none writes it. */
  global: boolean;
}
