import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccessDeniedLimit } from './access-denied-limit.js';
import { JwtStrategy } from './jwt.strategy.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';

@Module({
  imports: [PassportModule],
  providers: [JwtStrategy, AccessDeniedLimit, { provide: APP_GUARD, useClass: JwtAuthGuard }],
  exports: [AccessDeniedLimit],
})
export class AuthModule {}
