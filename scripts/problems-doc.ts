import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderProblemDocs } from '../src/platform/errors/problem-docs.js';
import { PROBLEM_CATALOGUES } from '../src/problem-catalogues.js';

/**
 * npm run docs:problems [-- --check]
 * Writes docs/problems.md from the problem catalogues; with --check, only says whether it is current
 * (exit 1 when it drifted). Runs from source through SWC (scripts/swc-register.mjs), without a build.
 */
export const PROBLEMS_DOC_PATH = fileURLToPath(new URL('../docs/problems.md', import.meta.url));

export function problemsDoc(): string {
  return renderProblemDocs(PROBLEM_CATALOGUES);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const page = problemsDoc();
  let current = '';
  try {
    current = readFileSync(PROBLEMS_DOC_PATH, 'utf8');
  } catch {
    // not written yet
  }
  if (process.argv.includes('--check')) {
    if (current !== page) {
      console.error('docs/problems.md is out of date: run `npm run docs:problems`.');
      process.exit(1);
    }
    console.log('docs/problems.md is current.');
  } else if (current === page) {
    console.log('docs/problems.md is current.');
  } else {
    writeFileSync(PROBLEMS_DOC_PATH, page);
    console.log('Wrote docs/problems.md.');
  }
}
