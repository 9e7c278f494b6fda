import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { StorageQuotaGuard } from './storage-quota.guard.js';
import { StorageUsageController } from './storage-usage.controller.js';
import { StorageUsageService } from './storage-usage.js';

/** The per-tenant storage account, its quota on writes, and the admins' usage route. */
@Module({
  controllers: [StorageUsageController],
  providers: [StorageUsageService, { provide: APP_GUARD, useClass: StorageQuotaGuard }],
})
export class StorageQuotaModule {}
