import { viewColumns } from '../../src/modules/lessons/lesson.repository.js';
import { lessonView } from '../../src/modules/lessons/lesson.view.js';
import { LessonSearch, type LessonSelection, type RankedLesson } from '../../src/modules/lessons/lesson-search.js';
import { sql } from '../../src/platform/database/sql/sql.js';
import { firstPage } from './first-page.js';
import { compiler } from './sql-compiler.js';
import { limitParam, TwinProblem, type TwinRoutes } from './twin-server.js';

/**
 * GET /api/lessons?q=: the ranked full-text search, and when it finds nothing the typo fallback, in
 * one unit of work under the expensive-read timeout, as LessonsService.list does for a first page.
 * The statement is LessonRepository.page's, built from the module's own search, filters and columns
 * (the parity test compares it with the one Tessera sends).
 */
export function lessonRoutes(routes: TwinRoutes): void {
  routes.add('GET', '/lessons', async ({ principal, inTransaction }, request) => {
    const { q } = request.query as { q?: string };
    if (q === undefined) throw new TwinProblem(400, 'the thin twin serves searches (q) only');
    const limit = limitParam(request);
    const search = new LessonSearch(q);
    if (search.isEmpty) return { items: [], nextCursor: null };
    const page = await inTransaction(
      async (client) => {
        const pageOf = (selection: LessonSelection) =>
          firstPage(client, lessonsSelect(principal.tenantId, selection), 'l', limit, selection.key);
        const ranked = await pageOf(search.ranked());
        return ranked.items.length > 0 || !search.canFallBack ? ranked : pageOf(search.corrected(principal.tenantId));
      },
      { expensive: true },
    );
    return { ...page, items: page.items.map(({ rank: _rank, ...lesson }) => lessonView(lesson)) };
  });
}

/** The tenant's lessons the selection matches, with its score as `rank`, as a subquery the keyset frame orders. */
function lessonsSelect(tenantId: string, { condition, score }: LessonSelection) {
  // A search names no list filters (lessonFilters adds none): the search's own condition only.
  const lessons = compiler
    .selectFrom('lessons as l')
    .selectAll('l')
    .where('l.tenant_id', '=', tenantId)
    .$if(condition !== undefined, (statement) => statement.where(condition!('l')))
    .$if(score !== undefined, (statement) => statement.select(sql<number>`${score!('l')}`.as('rank')));
  return compiler
    .selectFrom(lessons.as('l'))
    .select(viewColumns('l'))
    .$if(score !== undefined, (statement) => statement.select(sql.ref<number>('l.rank').as('rank')))
    .$castTo<RankedLesson>();
}
