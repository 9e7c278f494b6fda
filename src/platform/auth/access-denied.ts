import type { RequestOrigin } from '../tenancy/tenant-context.js';
import type { Principal } from './principal.js';

/** A request an authenticated principal was refused (403). */
export interface DeniedAccess {
  method: string;
  path: string;
  reason: string;
  origin: RequestOrigin;
}

/**
 * Where refusals are reported, as security events. The audit module provides it; the platform only
 * knows this port. The request's own transaction has rolled back by then, so it records on its own.
 */
export interface AccessDeniedRecorder {
  record(principal: Principal, denied: DeniedAccess): Promise<void>;
}

export const ACCESS_DENIED_RECORDER = Symbol('AccessDeniedRecorder');
