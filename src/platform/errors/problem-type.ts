/**
 * A problem type: what a client can branch on instead of parsing English. Its `uri` is the
 * problem's RFC 9457 `type`, its `code` the same identity as a constant; both never change once
 * released. Every type is documented in docs/problems.md (generated: `npm run docs:problems`) under
 * an anchor equal to its slug, the URI's last segment.
 */
export interface ProblemType {
  /** kebab-case, unique across the service; the last segment of `uri` and the anchor in docs/problems.md. */
  readonly slug: string;
  readonly uri: string;
  /** SCREAMING_SNAKE_CASE of the slug. */
  readonly code: string;
  readonly status: number;
  /** RFC 9457 `title`: the same for every occurrence of the type. */
  readonly title: string;
  /** When the problem happens and what the client can do about it (one or two sentences, Markdown). */
  readonly when: string;
  /** The extension members an occurrence carries, each with what it holds. */
  readonly members: Readonly<Record<string, string>>;
}

export interface ProblemTypeSpec {
  status: number;
  title: string;
  when: string;
  members?: Record<string, string>;
}

/** A module's (or the platform's) problem types, keyed by the slug. */
export interface ProblemCatalogue<Slug extends string = string> {
  /** Who raises these types: `platform` or a module's folder name. */
  readonly area: string;
  readonly types: { readonly [S in Slug]: ProblemType };
}

export const PROBLEM_TYPE_BASE_URI = 'https://tessera.dev/problems/';

const SLUG = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export const codeOfSlug = (slug: string): string => slug.toUpperCase().replaceAll('-', '_');

/**
 * Defines a catalogue; the slugs are checked (kebab-case) and the URI and code derived from them,
 * so the three can never disagree.
 */
export function defineProblemTypes<const Slug extends string>(
  area: string,
  specs: { [S in Slug]: ProblemTypeSpec },
): ProblemCatalogue<Slug> {
  const types = {} as Record<Slug, ProblemType>;
  for (const slug of Object.keys(specs) as Slug[]) {
    if (!SLUG.test(slug)) throw new Error(`Problem type slug must be kebab-case: ${slug}`);
    const { status, title, when, members = {} } = specs[slug];
    types[slug] = Object.freeze({
      slug,
      uri: PROBLEM_TYPE_BASE_URI + slug,
      code: codeOfSlug(slug),
      status,
      title,
      when,
      members: Object.freeze({ ...members }),
    });
  }
  return Object.freeze({ area, types: Object.freeze(types) });
}
