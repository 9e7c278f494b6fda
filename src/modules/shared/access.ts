import { type Principal, Role } from '../../platform/auth/principal.js';
import { ProblemException } from '../../platform/errors/problem.exception.js';

/** Ownership rules shared by dashboards, widgets and saved queries: the owner or a tenant admin may change a resource. */
export const isAdmin = (principal: Principal): boolean => principal.roles.includes(Role.Admin);

export const mayChange = (principal: Principal, ownerId: string): boolean => isAdmin(principal) || principal.actorId === ownerId;

export function notOwner(what: string): ProblemException {
  return new ProblemException(403, `Only the owner of the ${what} or an admin may change it.`);
}

/** An ILIKE pattern matching `text` anywhere, its wildcards taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
