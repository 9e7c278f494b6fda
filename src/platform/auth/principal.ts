export const Role = {
  /** A tenant administrator: reads audit logs, sees every dashboard of the tenant. */
  Admin: 'admin',
  /** An internal service acting inside the token's tenant. */
  Service: 'service',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

/** How a service's actor id begins; no user id may (see token-claims.ts). */
export const SERVICE_ACTOR_PREFIX = 'service:';

/** Who is calling, as proven by the bearer token. */
export interface Principal {
  readonly tenantId: string;
  readonly userId: string;
  readonly roles: readonly string[];
  /** The id recorded as the actor of a change: the user id, or `service:<sub>` for a service token. */
  readonly actorId: string;
}

export function principalOf(tenantId: string, userId: string, roles: readonly string[]): Principal {
  return { tenantId, userId, roles, actorId: roles.includes(Role.Service) ? `${SERVICE_ACTOR_PREFIX}${userId}` : userId };
}
