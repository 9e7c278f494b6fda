import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';
import { DEVELOPMENT_JWT_SECRET, parseEnvironment } from '../src/config/environment.js';

/**
 * npm run token -- --tenant acme --sub alice [--roles admin,service] [--expires 1h]
 * Prints a development token signed with the configured JWT_SECRET (or the development secret).
 * `npm run token` runs this file from source through SWC (scripts/swc-register.mjs), without a
 * build, after reading `.env` (scripts/load-env-file.mjs) as the server does.
 */
const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    sub: { type: 'string' },
    roles: { type: 'string', multiple: true, default: [] },
    expires: { type: 'string', default: '1h' },
  },
});

let environment: ReturnType<typeof parseEnvironment>;
try {
  environment = parseEnvironment(process.env);
} catch (error) {
  // One line naming each invalid variable, as the server says it; no stack.
  console.error((error instanceof Error ? error.message : String(error)).replace(/:\n\s*-\s*/, ': ').replace(/\n\s*-\s*/g, '; '));
  process.exit(1);
}
if (!values.tenant || !values.sub) {
  console.error('Usage: npm run token -- --tenant <tenant id> --sub <user id> [--roles admin[,service]] [--expires 1h]');
  process.exit(1);
}
if (environment.JWT_PUBLIC_KEY || environment.JWT_JWKS_URI) {
  console.error('The server verifies tokens with a public key: sign them with your identity provider, not this script.');
  process.exit(1);
}

const roles = values.roles
  .flatMap((value) => value.split(','))
  .map((role) => role.trim())
  .filter(Boolean);
const token = jwt.sign({ tenant_id: values.tenant, roles }, environment.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET, {
  algorithm: 'HS256',
  subject: values.sub,
  expiresIn: values.expires as jwt.SignOptions['expiresIn'],
  ...(environment.JWT_ISSUER && { issuer: environment.JWT_ISSUER }),
  ...(environment.JWT_AUDIENCE && { audience: environment.JWT_AUDIENCE }),
});
const { iat, exp } = jwt.decode(token) as { iat: number; exp: number };
if (exp - iat > environment.JWT_MAX_LIFETIME_SECONDS) {
  console.error(
    `--expires ${values.expires} is longer than the server accepts (JWT_MAX_LIFETIME_SECONDS=${environment.JWT_MAX_LIFETIME_SECONDS}).`,
  );
  process.exit(1);
}
console.log(token);
