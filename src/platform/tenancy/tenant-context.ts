import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';

/** Where a unit of work came from, when it came over HTTP (what an audit trail records). */
export interface RequestOrigin {
  requestId: string;
  ipAddress: string;
  userAgent?: string;
}

export function requestOriginOf(request: FastifyRequest): RequestOrigin {
  return { requestId: String(request.id), ipAddress: request.ip, userAgent: request.headers['user-agent'] };
}

interface UnitOfWorkContext {
  principal: Principal;
  origin?: RequestOrigin;
}

const storage = new AsyncLocalStorage<UnitOfWorkContext>();

/**
 * The tenant and actor of the unit of work in progress, carried in AsyncLocalStorage so that hot-path
 * providers stay singletons (no Scope.REQUEST). Only TenantScope opens one.
 */
export const TenantContext = {
  run<T>(principal: Principal, origin: RequestOrigin | undefined, work: () => T): T {
    return storage.run({ principal, origin }, work);
  },

  /** The current principal; throws when code runs outside a tenant scope, so nothing ever runs unscoped. */
  current(): Principal {
    const context = storage.getStore();
    if (!context) {
      throw new OutsideTenantScopeError();
    }
    return context.principal;
  },

  /** The HTTP request behind the current unit of work, if any (in-process callers have none). */
  origin(): RequestOrigin | undefined {
    return storage.getStore()?.origin;
  },
};

export class OutsideTenantScopeError extends Error {
  constructor() {
    super('Tenant-scoped code ran outside a tenant scope; wrap it in TenantScope.run() or call it from a request.');
    this.name = 'OutsideTenantScopeError';
  }
}
