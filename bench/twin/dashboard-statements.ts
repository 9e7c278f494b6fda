/**
 * The statements MikroORM writes for a dashboard change, by hand (MikroORM inlines their values
 * into the text; the twin binds them). test/bench/thin-twin.e2e-spec.ts compares each with the
 * statement Tessera really sends.
 */

/** DashboardRepository.lockedLive. */
export const LOCK_LIVE_DASHBOARD =
  'select "d0".*, "d0"."allowed_viewers" from "dashboards" as "d0" where "d0"."tenant_id" = $1 and "d0"."id" = $2 and "d0"."deleted_at" is null limit 1 for update';

/** The flush that ends DashboardChanges.run: the new version and time, and the actor when another one changed it last. */
export const UPDATE_DASHBOARD_VERSION = 'update "dashboards" set "version" = $1, "updated_at" = $2 where "id" = $3';
export const UPDATE_DASHBOARD_VERSION_AND_ACTOR =
  'update "dashboards" set "version" = $1, "updated_at" = $2, "updated_by" = $3 where "id" = $4';
