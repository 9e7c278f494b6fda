import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal } from '../auth/principal.js';

const storage = new AsyncLocalStorage<Principal>();

/**
 * The tenant and actor of the unit of work in progress, carried in AsyncLocalStorage so that hot-path
 * providers stay singletons (no Scope.REQUEST).
 */
export const TenantContext = {
  run<T>(principal: Principal, work: () => T): T {
    return storage.run(principal, work);
  },

  /** The current principal; throws when code runs outside a tenant scope, so nothing ever runs unscoped. */
  current(): Principal {
    const principal = storage.getStore();
    if (!principal) {
      throw new OutsideTenantScopeError();
    }
    return principal;
  },

  /** The current principal or undefined: for code (logging, errors) that also serves public routes. */
  peek(): Principal | undefined {
    return storage.getStore();
  },
};

export class OutsideTenantScopeError extends Error {
  constructor() {
    super('Tenant-scoped code ran outside a tenant scope; wrap it in TenantScope.run() or call it from a request.');
    this.name = 'OutsideTenantScopeError';
  }
}
