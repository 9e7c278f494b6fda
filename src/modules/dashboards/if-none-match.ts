import { ProblemException } from '../../platform/errors/problem.exception.js';
import { DashboardProblems } from './dashboard-problems.js';

/**
 * What an `If-None-Match` header names: any current representation (`*`), or the versions of the
 * entity tags this API sends ("<version>"), compared weakly as RFC 9110 requires for this header
 * (`W/"3"` matches version 3). Other well-formed tags are kept out: they never match.
 */
export type NoneMatch = '*' | readonly number[];

/** entity-tag = [ W/ ] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / obs-text (RFC 9110 §8.8.3). */
const ENTITY_TAG = /^(?:W\/)?"([\x21\x23-\x7e\x80-\xff]*)"/;
const VERSION = /^\d{1,10}$/;
const MAX_VERSION = 2_147_483_647;

/**
 * Reads `If-None-Match` (absent: undefined). A list may hold any entity tags, separated by commas
 * with optional spaces, empty elements allowed; anything else is a 400, like a malformed If-Match.
 */
export function parseIfNoneMatch(header: string | undefined): NoneMatch | undefined {
  if (header === undefined) return undefined;
  let rest = header.trim();
  if (rest === '*') return '*';
  const versions: number[] = [];
  let tags = 0;
  while (rest !== '') {
    if (rest.startsWith(',')) {
      rest = rest.slice(1).trimStart();
      continue;
    }
    const tag = ENTITY_TAG.exec(rest);
    if (!tag) throw malformed();
    tags += 1;
    const opaque = tag[1];
    if (VERSION.test(opaque) && Number(opaque) <= MAX_VERSION) versions.push(Number(opaque));
    rest = rest.slice(tag[0].length).trimStart();
    if (rest !== '' && !rest.startsWith(',')) throw malformed();
  }
  if (tags === 0) throw malformed();
  return versions;
}

/** Whether a representation at `version` is one the client already has: then a GET answers 304. */
export function isUnchanged(noneMatch: NoneMatch | undefined, version: number): boolean {
  return noneMatch === '*' || noneMatch?.includes(version) === true;
}

function malformed(): ProblemException {
  return DashboardProblems.malformedIfNoneMatch();
}
