import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { from, lastValueFrom, Observable } from 'rxjs';
import type { Principal } from '../auth/principal.js';
import { requestOriginOf } from './tenant-context.js';
import { TenantScope } from './tenant-scope.js';

/** Runs every authenticated request as one tenant-scoped unit of work; public routes pass through. */
@Injectable()
export class TenantInterceptor implements NestInterceptor {
  constructor(
    private readonly tenantScope: TenantScope,
    private readonly logger: PinoLogger,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const principal = request.user;
    if (!principal) {
      return next.handle();
    }
    this.logger.assign({ tenantId: principal.tenantId, userId: principal.actorId });
    return from(this.tenantScope.run(principal, () => lastValueFrom(next.handle(), { defaultValue: undefined }), requestOriginOf(request)));
  }
}
