import { Global, Module } from '@nestjs/common';
import { ClusterJobs } from './cluster-jobs.js';
import { JobLeases } from './job-leases.js';

/** Scheduled jobs that run once per period across all instances (ClusterJobs), on leases in the database. */
@Global()
@Module({ providers: [ClusterJobs, JobLeases], exports: [ClusterJobs] })
export class JobsModule {}
