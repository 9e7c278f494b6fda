import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { Environment } from '../../config/environment.js';
import { jwtVerificationFor } from './jwt-verification.js';
import type { Principal } from './principal.js';
import { principalOfClaims, TesseraClaims, TokenPolicy } from './token-claims.js';

/** Where a request's token is: `Authorization: Bearer <token>`. */
export const bearerTokenOf = ExtractJwt.fromAuthHeaderAsBearerToken();

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly policy: TokenPolicy;

  constructor(config: ConfigService<Environment, true>) {
    const verification = jwtVerificationFor({
      JWT_SECRET: config.get('JWT_SECRET', { infer: true }),
      JWT_PUBLIC_KEY: config.get('JWT_PUBLIC_KEY', { infer: true }),
      JWT_JWKS_URI: config.get('JWT_JWKS_URI', { infer: true }),
      JWT_JWKS_CACHE_SECONDS: config.get('JWT_JWKS_CACHE_SECONDS', { infer: true }),
      JWT_JWKS_COOLDOWN_SECONDS: config.get('JWT_JWKS_COOLDOWN_SECONDS', { infer: true }),
    });
    const clockToleranceSeconds = config.get('JWT_CLOCK_TOLERANCE_SECONDS', { infer: true });
    super({
      jwtFromRequest: bearerTokenOf,
      ...verification,
      // passport-jwt overwrites these three inside jsonWebTokenOptions: they must stay top-level.
      issuer: config.get('JWT_ISSUER', { infer: true }),
      audience: config.get('JWT_AUDIENCE', { infer: true }),
      jsonWebTokenOptions: { clockTolerance: clockToleranceSeconds },
    });
    this.policy = { maxLifetimeSeconds: config.get('JWT_MAX_LIFETIME_SECONDS', { infer: true }), clockToleranceSeconds };
  }

  validate(claims: TesseraClaims): Principal | false {
    return principalOfClaims(claims, this.policy) ?? false;
  }
}
