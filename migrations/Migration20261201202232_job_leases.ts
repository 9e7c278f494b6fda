import { Migration } from '@mikro-orm/migrations';

/**
 * The leases by which one instance of the cluster runs each scheduled job per period (ClusterJobs).
 * Cluster maintenance state, not tenant data: no tenant_id, no row-level security. Only the schema
 * owner, which runs the jobs, reads or writes it: the runtime role's default grants are taken back.
 */
export class Migration20261201202232_job_leases extends Migration {

  override name = 'Migration20261201202232_job_leases';

  override up(): void {
    this.addSql(`create table "job_leases" (
      "job" text primary key,
      "period_start" timestamptz not null,
      "holder" text not null,
      "lease_until" timestamptz not null,
      "finished_at" timestamptz
    );`);
    this.addSql(`comment on table "job_leases" is 'One row per scheduled job: who holds or last held it, for which period, until when; finished_at is null while a run is in progress or after its holder died.';`);
    this.addSql('revoke all on "job_leases" from tessera_runtime;');
  }

  override down(): void {
    this.addSql('drop table "job_leases";');
  }

}
