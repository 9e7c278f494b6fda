import { ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Principal, Role } from './principal.js';
import { IS_PUBLIC } from './public.decorator.js';
import { REQUIRED_ROLES } from './roles.decorator.js';
import { AuthFailureLimiter } from '../rate-limit/auth-failure-limiter.js';

/**
 * The global guard: every route needs a valid bearer token unless marked @Public(), and the roles
 * named by @RequireRoles(). Guards run before interceptors, so this is what puts the principal on
 * the request for the TenantInterceptor.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly failures: AuthFailureLimiter,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      return true;
    }
    try {
      await super.canActivate(context);
    } catch (error) {
      if (error instanceof UnauthorizedException) {
        await this.failures.recordFailure(context.switchToHttp().getRequest<{ ip: string }>().ip);
      }
      throw error;
    }
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    const principal = context.switchToHttp().getRequest<{ user: Principal }>().user;
    if (required?.length && !required.some((role) => principal.roles.includes(role))) {
      throw new ForbiddenException('Your token does not grant access to this resource.');
    }
    return true;
  }

  /** Every authentication failure looks the same to the client: no hint of what was wrong. */
  override handleRequest<TUser = Principal>(error: unknown, principal: TUser | false): TUser {
    if (error || !principal) {
      throw new UnauthorizedException();
    }
    return principal;
  }
}
