/** Deeper JSON is refused before anything walks it (validation, hashing): recursion stays bounded. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether `test` holds for any value inside a parsed JSON value (the value itself at depth 0). The
 * walk keeps its own stack, so neither depth nor width can overflow the call stack, and only
 * containers are stacked: a flat array of a million numbers costs one pass and no allocation each.
 */
export function someJsonValue(root: unknown, test: (value: unknown, depth: number) => boolean): boolean {
  const containers: object[] = [];
  const depths: number[] = [];
  const visit = (value: unknown, depth: number): boolean => {
    if (test(value, depth)) return true;
    if (value !== null && typeof value === 'object') {
      containers.push(value);
      depths.push(depth);
    }
    return false;
  };
  if (visit(root, 0)) return true;
  while (containers.length > 0) {
    const container = containers.pop()!;
    const depth = depths.pop()! + 1;
    for (const child of Array.isArray(container) ? container : Object.values(container)) {
      if (visit(child, depth)) return true;
    }
  }
  return false;
}

/** Whether a parsed JSON value nests arrays/objects deeper than `limit`. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  return someJsonValue(value, (node, depth) => depth >= limit && node !== null && typeof node === 'object');
}
