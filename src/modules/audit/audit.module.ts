import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { ACCESS_DENIED_RECORDER } from '../../platform/auth/access-denied.js';
import { ObservabilityModule } from '../../platform/observability/observability.module.js';
import { AccessDeniedAuditRecorder } from './access-denied.recorder.js';
import { AuditEntry } from './audit-entry.entity.js';
import { AuditEvents } from './audit-events.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditLogsController } from './audit-logs.controller.js';
import { AuditRetentionJob } from './audit-retention.job.js';
import { AuditRetentionRepository } from './audit-retention.repository.js';
import { AuditSealingJob } from './audit-sealing.job.js';
import { AuditSealingMetrics } from './audit-sealing.metrics.js';
import { AuditSealingRepository } from './audit-sealing.repository.js';
import { AuditVerification } from './audit-verification.js';

/**
 * The audit trail. Changes are captured by the database itself (the audit_capture trigger on every
 * audited table, see the audit migration), in the transaction that makes them: no module writes
 * audit rows, and no code path can change data without its entry. The sealing job links them into
 * each tenant's hash chain afterwards, off the writers' path (ADR 0004).
 */
@Module({
  imports: [MikroOrmModule.forFeature([AuditEntry]), ObservabilityModule],
  controllers: [AuditLogsController],
  providers: [
    AuditLogService,
    AuditVerification,
    AuditRetentionRepository,
    AuditRetentionJob,
    AuditSealingRepository,
    AuditSealingJob,
    AuditSealingMetrics,
    AuditEvents,
    { provide: ACCESS_DENIED_RECORDER, useClass: AccessDeniedAuditRecorder },
  ],
  exports: [ACCESS_DENIED_RECORDER],
})
export class AuditModule {}
