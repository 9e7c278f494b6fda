import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Principal } from './principal.js';

/** The authenticated caller. Throws if the JWT guard did not run (a @Public() route). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
  if (!principal) {
    throw new Error('CurrentPrincipal used on a route without authentication');
  }
  return principal;
});
