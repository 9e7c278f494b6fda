import { ExecutionContext, ForbiddenException, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import jwt from 'jsonwebtoken';
import { AuthFailureLimiter } from '../rate-limit/auth-failure-limiter.js';
import { bearerTokenOf } from './jwt.strategy.js';
import type { Principal, Role } from './principal.js';
import { IS_PUBLIC } from './public.decorator.js';
import { REQUIRED_ROLES } from './roles.decorator.js';
import { VerifiedTokens } from './verified-tokens.js';

type AuthenticatedRequest = FastifyRequest & { user?: Principal };

/**
 * The global guard: every route needs a valid bearer token unless marked @Public(), and the roles
 * named by @RequireRoles(). Guards run before interceptors, so this is what puts the principal on
 * the request for the TenantInterceptor.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  private readonly logger = new Logger('Authentication');
  private readonly verified = new VerifiedTokens();

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
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(context, request);
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (required?.length && !required.some((role) => principal.roles.includes(role))) {
      throw new ForbiddenException('Your token does not grant access to this resource.');
    }
    return true;
  }

  /** The request's principal: remembered from an earlier request with the same token, or proven by passport-jwt now. */
  private async authenticate(context: ExecutionContext, request: AuthenticatedRequest): Promise<Principal> {
    const token = bearerTokenOf(request) ?? undefined;
    const known = token && this.verified.principalOf(token);
    if (known) {
      request.user = known;
      return known;
    }
    try {
      await super.canActivate(context);
    } catch (error) {
      if (error instanceof UnauthorizedException) await this.failures.recordFailure(request.ip);
      throw error;
    }
    const principal = request.user as Principal;
    // Verified just now, and principalOfClaims refuses a token without a numeric exp.
    if (token) this.verified.remember(token, principal, (jwt.decode(token, { json: true })?.exp ?? 0) * 1000);
    return principal;
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
