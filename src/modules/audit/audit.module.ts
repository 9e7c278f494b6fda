import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { AuditEntry } from './audit-entry.entity.js';

@Module({
  imports: [MikroOrmModule.forFeature([AuditEntry])],
})
export class AuditModule {}
