import { PlatformProblems } from '../errors/platform-problems.js';
import { ProblemException } from '../errors/problem.exception.js';
import { type Principal, Role } from './principal.js';

/** Ownership rules of owned resources (dashboards, widgets, saved queries): the owner or a tenant admin may change one. */
export const isAdmin = (principal: Principal): boolean => principal.roles.includes(Role.Admin);

export const mayChange = (principal: Principal, ownerId: string): boolean => isAdmin(principal) || principal.actorId === ownerId;

export function notOwner(what: string): ProblemException {
  return new ProblemException(PlatformProblems.types['not-owner'], `Only the owner of the ${what} or an admin may change it.`);
}
