import { Injectable } from '@nestjs/common';
import type { AccessDeniedRecorder, DeniedAccess } from '../../platform/auth/access-denied.js';
import type { Principal } from '../../platform/auth/principal.js';
import { AuditEvents } from './audit-events.js';

/** Records each 403 as an `access.denied` entry. */
@Injectable()
export class AccessDeniedAuditRecorder implements AccessDeniedRecorder {
  constructor(private readonly events: AuditEvents) {}

  record(principal: Principal, denied: DeniedAccess): Promise<void> {
    return this.events.record(principal, denied.origin, {
      action: 'access.denied',
      resourceType: 'access',
      details: { method: denied.method, path: denied.path, reason: denied.reason },
    });
  }
}
