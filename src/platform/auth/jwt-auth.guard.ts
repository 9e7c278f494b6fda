import { ExecutionContext, ForbiddenException, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AuthFailureLimiter } from '../rate-limit/auth-failure-limiter.js';
import type { Principal, Role } from './principal.js';
import { IS_PUBLIC } from './public.decorator.js';
import { REQUIRED_ROLES } from './roles.decorator.js';

/**
 * The global guard: every route needs a valid bearer token unless marked @Public(), and the roles
 * named by @RequireRoles(). Guards run before interceptors, so this is what puts the principal on
 * the request for the TenantInterceptor.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  private readonly logger = new Logger('Authentication');

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

  /**
   * Every authentication failure looks the same to the client: no hint of what was wrong. The reason
   * is logged at debug level for whoever runs the server (with the request id), never the token.
   */
  override handleRequest<TUser = Principal>(error: unknown, principal: TUser | false, info?: unknown, context?: ExecutionContext): TUser {
    if (error || !principal) {
      const request = context?.switchToHttp().getRequest<{ id?: string }>();
      this.logger.debug({ reason: failureReason(error, info), requestId: request?.id }, 'Authentication failed (401)');
      throw new UnauthorizedException();
    }
    return principal;
  }
}

/** A compact token (three base64url parts) anywhere in a message. */
const COMPACT_TOKEN = /[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g;

/** Why passport-jwt refused: its error or info ("jwt expired", "No auth token"…), or the claims check. */
function failureReason(error: unknown, info: unknown): string {
  const cause = error ?? info;
  const reason =
    cause instanceof Error
      ? `${cause.name}: ${cause.message}`
      : typeof cause === 'string'
        ? cause
        : "the token's claims are not acceptable (sub, tenant_id, roles, exp or lifetime)";
  return reason.replace(COMPACT_TOKEN, '[token]').slice(0, 300);
}
