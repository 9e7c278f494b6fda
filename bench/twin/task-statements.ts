/**
 * The statements MikroORM writes for Tessera's task writes, by hand (MikroORM inlines their values
 * into the text; the twin binds them). test/bench/thin-twin.e2e-spec.ts compares each with the
 * statement Tessera really sends, so a change on either side fails there.
 */

/** TaskRepository.lockedForChange. */
export const LOCK_TASK = 'select "t0".* from "tasks" as "t0" where "t0"."tenant_id" = $1 and "t0"."id" = $2 limit 1 for update';

/** The flush of a move to a state that is not final: the changed state and the entity's onUpdate time, by primary key. */
export const UPDATE_TASK_STATE = 'update "tasks" set "state" = $1, "updated_at" = $2 where "id" = $3';
