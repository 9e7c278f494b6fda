import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { PlatformProblems } from '../errors/platform-problems.js';
import { ProblemException } from '../errors/problem.exception.js';
import { StorageUsageService } from './storage-usage.js';

/** Methods that can add data; reads and deletes (which free space) always pass. */
const ADDING_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Refuses writes of a tenant over its storage quota with 507, at the cost of a set lookup. */
@Injectable()
export class StorageQuotaGuard implements CanActivate {
  constructor(private readonly storage: StorageUsageService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    if (request.user && ADDING_METHODS.has(request.method) && this.storage.isOverQuota(request.user.tenantId)) {
      throw new ProblemException(
        PlatformProblems.types['storage-quota-exceeded'],
        `This tenant stores more than its quota of ${this.storage.quotaBytes} bytes: delete data before writing more (GET /api/usage shows where it is).`,
        { quotaBytes: this.storage.quotaBytes },
      );
    }
    return true;
  }
}
