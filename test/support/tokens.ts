import jwt from 'jsonwebtoken';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config/environment.js';

export interface TokenClaims {
  tenant?: string;
  sub?: string;
  roles?: string[];
}

/** A valid HS256 token for the test server (signed with the development secret), unless options say otherwise. */
export function tokenFor(claims: TokenClaims, options: jwt.SignOptions = {}, key: jwt.Secret = DEVELOPMENT_JWT_SECRET): string {
  const payload: Record<string, unknown> = {};
  if (claims.tenant !== undefined) payload.tenant_id = claims.tenant;
  if (claims.roles !== undefined) payload.roles = claims.roles;
  return jwt.sign(payload, key, { algorithm: 'HS256', expiresIn: '5m', ...(claims.sub !== undefined && { subject: claims.sub }), ...options });
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
