import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { Environment } from '../../config/environment.js';
import { jwtVerificationFor } from './jwt-verification.js';
import { Principal, principalOf } from './principal.js';

const MAX_ID_LENGTH = 255;

interface TesseraClaims {
  sub?: unknown;
  tenant_id?: unknown;
  roles?: unknown;
  exp?: unknown;
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: ConfigService<Environment, true>) {
    const verification = jwtVerificationFor({
      JWT_SECRET: config.get('JWT_SECRET', { infer: true }),
      JWT_PUBLIC_KEY: config.get('JWT_PUBLIC_KEY', { infer: true }),
      JWT_JWKS_URI: config.get('JWT_JWKS_URI', { infer: true }),
      JWT_JWKS_CACHE_SECONDS: config.get('JWT_JWKS_CACHE_SECONDS', { infer: true }),
    });
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      ...verification,
      // passport-jwt overwrites these three inside jsonWebTokenOptions: they must stay top-level.
      issuer: config.get('JWT_ISSUER', { infer: true }),
      audience: config.get('JWT_AUDIENCE', { infer: true }),
      jsonWebTokenOptions: { clockTolerance: config.get('JWT_CLOCK_TOLERANCE_SECONDS', { infer: true }) },
    });
  }

  /** jsonwebtoken accepts a token without `exp`; Tessera does not, nor one without tenant or subject. */
  validate(claims: TesseraClaims): Principal | false {
    const { sub, tenant_id: tenantId, roles = [], exp } = claims;
    if (typeof exp !== 'number' || !isId(sub) || !isId(tenantId)) {
      return false;
    }
    if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
      return false;
    }
    return principalOf(tenantId, sub, roles);
  }
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0 && value.length <= MAX_ID_LENGTH;
}

