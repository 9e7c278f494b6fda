/** Responses that did not match the OpenAPI document (found by openapi-check.ts, reported by preload-esm.ts). */
const violations: string[] = [];

export function recordOpenApiViolation(violation: string): void {
  violations.push(violation);
}

/** The violations found since the last call (and forgets them). */
export function takeOpenApiViolations(): string[] {
  return violations.splice(0);
}
