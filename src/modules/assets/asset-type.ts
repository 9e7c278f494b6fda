/**
 * Asset types are an open vocabulary: these are the documented ones, and any other identifier a data
 * platform uses (lower case, digits, underscores) is accepted as well.
 */
export const KNOWN_ASSET_TYPES = ['table', 'view', 'file', 'model', 'dashboard', 'metric', 'stream', 'dataset'] as const;
export const ASSET_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,49}$/;

/** How one asset depends on another: its data, its metadata (schema, docs), or only its schedule. */
export const DEPENDENCY_TYPES = ['data', 'metadata', 'control'] as const;
export type DependencyType = (typeof DEPENDENCY_TYPES)[number];
