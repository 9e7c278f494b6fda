import { SetMetadata } from '@nestjs/common';
import type { Role } from './principal.js';

export const REQUIRED_ROLES = 'tessera:requiredRoles';

/** Restricts a route (or controller) to principals holding one of the roles; others get 403. */
export const RequireRoles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);
