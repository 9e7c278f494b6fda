import { SetMetadata } from '@nestjs/common';

export const EXPENSIVE_READ = 'tessera:expensiveRead';

/**
 * For read routes whose cost grows with the data (graph walks, ranked search): their unit of work runs
 * under DB_EXPENSIVE_STATEMENT_TIMEOUT_MS instead of the general statement timeout, so that no caller
 * can hold a pooled connection for long with them.
 */
export const ExpensiveRead = () => SetMetadata(EXPENSIVE_READ, true);
