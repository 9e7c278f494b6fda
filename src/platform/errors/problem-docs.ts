import type { ProblemCatalogue, ProblemType } from './problem-type.js';

/** The members every problem carries, whatever its type (RFC 9457 and ours). */
const STANDARD_MEMBERS: [string, string][] = [
  ['type', 'the type’s URI, `https://tessera.dev/problems/<slug>`: documented below under the anchor `#<slug>`'],
  ['code', 'the same identity as a constant (`SCREAMING_SNAKE_CASE` of the slug), for a `switch` in client code'],
  ['title', 'the type’s short summary: the same for every occurrence'],
  ['status', 'the HTTP status, as in the response line'],
  ['detail', 'what happened this time, in English, for people: never parse it'],
  ['instance', 'the request’s path'],
  ['requestId', 'the request id, also in `X-Request-Id`: quote it when reporting a problem'],
];

/**
 * docs/problems.md, generated from the catalogues (`npm run docs:problems`); a test fails when the
 * page and the catalogues drift apart.
 */
export function renderProblemDocs(catalogues: readonly ProblemCatalogue[]): string {
  const lines = [
    '<!-- Generated from the problem catalogues (src/**/*-problems.ts) by `npm run docs:problems`; do not edit by hand. -->',
    '',
    '# Problem types',
    '',
    'Every error response of the API is an RFC 9457 problem (`application/problem+json`) whose `type` is one of the URIs below',
    'and whose `code` names the same type as a constant. Types and codes are stable: a client branches on them, never on `detail`.',
    'A type URI’s last segment is the anchor of its section here: `https://tessera.dev/problems/task-not-found` is documented at',
    '[#task-not-found](#task-not-found). New types may appear; a client treats an unknown type by its `status`.',
    '',
    'Members of every problem:',
    '',
    ...STANDARD_MEMBERS.map(([name, text]) => `- \`${name}\` — ${text}`),
    '',
    'Types are listed by who raises them: the platform (HTTP, authentication, limits, the database) and then each module.',
    '',
    '| Type | Status | Code |',
    '|---|---|---|',
    ...catalogues.flatMap((catalogue) =>
      Object.values<ProblemType>(catalogue.types).map((type) => `| [${type.slug}](#${type.slug}) | ${type.status} | \`${type.code}\` |`),
    ),
  ];
  for (const catalogue of catalogues) {
    lines.push('', `## ${areaTitle(catalogue.area)}`);
    for (const type of Object.values<ProblemType>(catalogue.types)) {
      lines.push('', ...section(type));
    }
  }
  return `${lines.join('\n')}\n`;
}

function section(type: ProblemType): string[] {
  const members = Object.entries(type.members);
  return [
    `<a id="${type.slug}"></a>`,
    '',
    `### ${type.slug}`,
    '',
    `- **Type:** \`${type.uri}\``,
    `- **Code:** \`${type.code}\``,
    `- **Status:** ${type.status}`,
    `- **Title:** ${type.title}`,
    '',
    type.when,
    ...(members.length === 0 ? [] : ['', 'Extension members:', '', ...members.map(([name, text]) => `- \`${name}\` — ${text}`)]),
  ];
}

function areaTitle(area: string): string {
  return area === 'platform' ? 'Platform' : `Module \`${area}\``;
}
