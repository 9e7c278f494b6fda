import { Principal, principalOf, Role, SERVICE_ACTOR_PREFIX } from './principal.js';

/** Ids end up in rate-limit keys, logs and every audit entry: bounded. */
const MAX_ID_LENGTH = 256;
const MAX_ROLES = 32;
/** Controls, invisible formatting (bidi overrides, zero-width) and line separators: they forge log lines or make two ids look alike. */
const CONTROL_OR_INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

export interface TesseraClaims {
  sub?: unknown;
  tenant_id?: unknown;
  roles?: unknown;
  exp?: unknown;
  iat?: unknown;
}

export interface TokenPolicy {
  maxLifetimeSeconds: number;
  clockToleranceSeconds: number;
}

/**
 * The principal of a token whose signature, `exp`, `nbf`, `iss` and `aud` jsonwebtoken has checked,
 * or undefined when Tessera refuses what jsonwebtoken lets through: no `exp`, a lifetime past the
 * policy's, ids that are not plain well-formed text, or a user posing as a service actor.
 */
export function principalOfClaims(claims: TesseraClaims, policy: TokenPolicy): Principal | undefined {
  const { sub, tenant_id: tenantId, roles = [], exp, iat } = claims;
  if (typeof exp !== 'number' || !withinLifetime(exp, iat, policy)) {
    return undefined;
  }
  if (!isId(sub) || !isId(tenantId) || !Array.isArray(roles) || roles.length > MAX_ROLES || !roles.every(isId)) {
    return undefined;
  }
  // Else a user could share a service's actor id, and with it its entries and ownerships.
  if (!roles.includes(Role.Service) && sub.toLowerCase().startsWith(SERVICE_ACTOR_PREFIX)) {
    return undefined;
  }
  return principalOf(tenantId, sub, roles);
}

function withinLifetime(exp: number, iat: unknown, policy: TokenPolicy): boolean {
  const now = Math.floor(Date.now() / 1000);
  if (iat === undefined) {
    return exp - now <= policy.maxLifetimeSeconds;
  }
  // An iat in the future would stretch the lifetime past the maximum from now.
  return typeof iat === 'number' && iat <= now + policy.clockToleranceSeconds && exp - iat <= policy.maxLifetimeSeconds;
}

function isId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_ID_LENGTH &&
    value.isWellFormed() &&
    value === value.trim() &&
    !CONTROL_OR_INVISIBLE.test(value)
  );
}
