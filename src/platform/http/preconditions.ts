import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { PlatformProblems } from '../errors/platform-problems.js';
import { ProblemException } from '../errors/problem.exception.js';

/**
 * Optimistic concurrency of versioned resources (dashboards, per-user configs, schema config): the
 * ETag is the strong, quoted integer version; `If-Match` (one or more tags, or `*`) and/or a
 * `version` in the body make a write conditional. Shared by the dashboards, widgets and queries modules.
 */
export const etagOf = (version: number): string => `"${version}"`;

export const MAX_VERSION = 2_147_483_647;

/** A condition on the current version; `undefined` when the client set none. */
export interface Precondition {
  matches(version: number): boolean;
}

const ENTITY_TAG = /^(W\/)?"(\d{1,10})"$/;

/**
 * Reads If-Match and a body version into one condition: both must hold when both are given. A
 * malformed If-Match is a 400. A weak tag `W/"…"` (e.g. from a proxy that compressed the response)
 * is well-formed but never matches: If-Match compares strongly (RFC 9110), so the write gets 412.
 */
export function preconditionOf(ifMatch: string | undefined, bodyVersion?: number): Precondition | undefined {
  const tags = ifMatch === undefined ? undefined : parseIfMatch(ifMatch);
  if (tags === undefined && bodyVersion === undefined) return undefined;
  return {
    matches: (version) =>
      (tags === undefined || tags === '*' || tags.includes(version)) && (bodyVersion === undefined || bodyVersion === version),
  };
}

function parseIfMatch(header: string): number[] | '*' {
  const value = header.trim();
  if (value === '*') return '*';
  const tags = value.split(',').map((tag) => ENTITY_TAG.exec(tag.trim()));
  if (value === '' || tags.some((tag) => tag === null || Number(tag[2]) > MAX_VERSION)) {
    throw new ProblemException(
      PlatformProblems.types['invalid-precondition-header'],
      'If-Match must be * or a list of the strong ETags this API sends, e.g. "3".',
      {
        errors: [{ field: 'If-Match', messages: ['expected * or quoted versions such as "3"'] }],
      },
    );
  }
  return tags.filter((tag) => !tag![1]).map((tag) => Number(tag![2]));
}

/** The refusal of a write whose precondition no longer holds; carries the current ETag. */
export function staleVersion(current: number, what = 'resource'): ProblemException {
  return new ProblemException(
    PlatformProblems.types['precondition-failed'],
    `The ${what} has changed since you read it (now version ${current}); read it again and reapply your change.`,
    { currentVersion: current },
    { ETag: etagOf(current) },
  );
}

/** Throws 412 unless the precondition (if any) holds for the current version. */
export function assertPrecondition(precondition: Precondition | undefined, current: number, what?: string): void {
  if (precondition && !precondition.matches(current)) throw staleVersion(current, what);
}

/** A version number in a path: 1 … 2^31 − 1, else 400 (never a database range error). */
@Injectable()
export class ParseVersionPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    if (!/^\d{1,10}$/.test(value) || Number(value) < 1 || Number(value) > MAX_VERSION) {
      throw new ProblemException(
        PlatformProblems.types['validation-failed'],
        `${metadata.data ?? 'version'} must be an integer from 1 to ${MAX_VERSION}.`,
        {
          errors: [{ field: metadata.data ?? 'version', messages: ['must be a positive 32-bit integer'] }],
        },
      );
    }
    return Number(value);
  }
}
