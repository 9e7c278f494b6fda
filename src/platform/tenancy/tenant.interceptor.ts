import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { from, lastValueFrom, Observable } from 'rxjs';
import type { Principal } from '../auth/principal.js';
import { EXPENSIVE_READ } from './expensive-read.decorator.js';
import { OWN_UNITS_OF_WORK } from './own-units-of-work.decorator.js';
import { requestOriginOf, TenantContext } from './tenant-context.js';
import { TenantScope } from './tenant-scope.js';

/**
 * Runs every authenticated request as one tenant-scoped unit of work (or, for @OwnUnitsOfWork()
 * handlers, in the tenant context only); public routes pass through.
 */
@Injectable()
export class TenantInterceptor implements NestInterceptor {
  constructor(
    private readonly tenantScope: TenantScope,
    private readonly reflector: Reflector,
    private readonly logger: PinoLogger,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const principal = request.user;
    if (!principal) {
      return next.handle();
    }
    this.logger.assign({ tenantId: principal.tenantId, userId: principal.actorId });
    const handle = () => lastValueFrom(next.handle(), { defaultValue: undefined });
    const origin = requestOriginOf(request);
    if (this.reflector.get<boolean>(OWN_UNITS_OF_WORK, context.getHandler())) {
      return from(TenantContext.run(principal, origin, handle));
    }
    const expensive = this.reflector.get<boolean>(EXPENSIVE_READ, context.getHandler()) ?? false;
    return from(this.tenantScope.run(principal, handle, origin, { expensive }));
  }
}
