import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROBLEMS_DOC_PATH, problemsDoc } from '../../../scripts/problems-doc.js';
import { ALL_PROBLEM_TYPES, PROBLEM_CATALOGUES } from '../../problem-catalogues.js';
import { PlatformProblems, problemTypeForStatus } from './platform-problems.js';
import { ProblemException, ValidationFailedException } from './problem.exception.js';
import { codeOfSlug, defineProblemTypes, PROBLEM_TYPE_BASE_URI } from './problem-type.js';

const SRC = fileURLToPath(new URL('../..', import.meta.url));

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(folder, entry.name))
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')
        ? [join(folder, entry.name)]
        : [],
  );
}

describe('the problem catalogue', () => {
  it('gives every type a unique slug, URI and code, derived from each other', () => {
    const unique = (values: string[]) => new Set(values).size === values.length;
    expect(unique(ALL_PROBLEM_TYPES.map((type) => type.slug))).toBe(true);
    expect(unique(ALL_PROBLEM_TYPES.map((type) => type.uri))).toBe(true);
    expect(unique(ALL_PROBLEM_TYPES.map((type) => type.code))).toBe(true);
    for (const type of ALL_PROBLEM_TYPES) {
      expect(type.uri).toBe(`${PROBLEM_TYPE_BASE_URI}${type.slug}`);
      expect(type.code).toBe(codeOfSlug(type.slug));
      expect(type.code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    }
  });

  it('gives every type an error status, a title and a sentence saying when it happens', () => {
    for (const type of ALL_PROBLEM_TYPES) {
      expect({ slug: type.slug, statusIsError: type.status >= 400 && type.status <= 599 }).toEqual({
        slug: type.slug,
        statusIsError: true,
      });
      expect(type.title.length).toBeGreaterThan(0);
      expect(type.when).toMatch(/\.$/);
    }
  });

  it('lists every catalogue of the source tree (a new *-problems.ts must be added to src/problem-catalogues.ts)', () => {
    const areas = new Set(PROBLEM_CATALOGUES.map((catalogue) => catalogue.area));
    const defined = sourceFiles(SRC).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/defineProblemTypes\('([^']+)'/g)].map((match) => ({
        file: relative(SRC, file),
        area: match[1],
      })),
    );
    expect(defined.length).toBeGreaterThanOrEqual(PROBLEM_CATALOGUES.length);
    expect(defined.filter(({ area }) => !areas.has(area))).toEqual([]);
    expect(areas.size).toBe(PROBLEM_CATALOGUES.length);
  });

  it('refuses a slug that is not kebab-case', () => {
    expect(() => defineProblemTypes('x', { Not_Kebab: { status: 400, title: 'x', when: 'x.' } })).toThrow(/kebab-case/);
  });
});

describe('docs/problems.md', () => {
  const page = readFileSync(PROBLEMS_DOC_PATH, 'utf8');

  it('is what `npm run docs:problems` writes from the catalogues (run it after changing a catalogue)', () => {
    expect(page).toBe(problemsDoc());
  });

  it('has a section for every type under the anchor of its URI, with its status, code and members', () => {
    for (const type of ALL_PROBLEM_TYPES) {
      const start = page.indexOf(`<a id="${type.slug}"></a>`);
      expect({ slug: type.slug, anchored: start >= 0 }).toEqual({ slug: type.slug, anchored: true });
      const end = page.indexOf('<a id="', start + 1);
      const section = page.slice(start, end < 0 ? undefined : end);
      expect(section).toContain(`\`${type.uri}\``);
      expect(section).toContain(`**Status:** ${type.status}`);
      expect(section).toContain(`\`${type.code}\``);
      for (const member of Object.keys(type.members)) expect(section).toContain(`\`${member}\``);
    }
  });
});

describe('ProblemException', () => {
  it('answers with the type’s URI, code, title and status; extensions never overwrite them', () => {
    const type = PlatformProblems.types['precondition-failed'];
    const exception = new ProblemException(type, 'Changed.', { currentVersion: 3, code: 'MINE', status: 200 }, { ETag: '"3"' });
    expect(exception.getStatus()).toBe(412);
    expect(exception.getResponse()).toEqual({
      type: type.uri,
      code: 'PRECONDITION_FAILED',
      title: 'Precondition failed',
      status: 412,
      detail: 'Changed.',
      currentVersion: 3,
    });
    expect(exception.headers).toEqual({ ETag: '"3"' });
  });

  it('makes validation failures of the validation-failed type with their fields', () => {
    expect(new ValidationFailedException([{ field: 'name', messages: ['required'] }]).getResponse()).toMatchObject({
      code: 'VALIDATION_FAILED',
      status: 400,
      errors: [{ field: 'name', messages: ['required'] }],
      detail: 'The request is invalid; see `errors` for each field.',
    });
  });

  it('maps every status Nest raises to a catalogued type', () => {
    for (const status of [400, 401, 403, 404, 405, 406, 408, 409, 410, 412, 413, 415, 422, 429, 500, 501, 502, 503, 504]) {
      expect(ALL_PROBLEM_TYPES).toContain(problemTypeForStatus(status));
    }
  });
});
