import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TenantInterceptor } from './tenant.interceptor.js';
import { TenantPoolShare } from './tenant-pool-share.js';
import { TenantScope } from './tenant-scope.js';

@Global()
@Module({
  providers: [TenantScope, TenantPoolShare, { provide: APP_INTERCEPTOR, useClass: TenantInterceptor }],
  exports: [TenantScope],
})
export class TenancyModule {}
