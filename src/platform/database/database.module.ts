import { MikroOrmModule } from '@mikro-orm/nestjs';
import { EntityManager, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { DynamicModule, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../../config/environment.js';
import { DatabaseAvailability, RUNTIME_DATABASE_URL } from './database-availability.js';
import { MaintenanceDatabase, OWNER_DATABASE_URL } from './maintenance-database.js';
import { explainConnectionFailure, ormOptions } from './orm-options.js';
import { assertRuntimeRoleEnforcesRls } from './runtime-role.check.js';

@Injectable()
class RuntimeRoleCheck implements OnModuleInit {
  constructor(
    private readonly em: EntityManager,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  /** The pool's first connection: a failure DB_SSL explains says so (e.g. require against a server without TLS). */
  async onModuleInit(): Promise<void> {
    try {
      await assertRuntimeRoleEnforcesRls(this.em.fork());
    } catch (error) {
      throw explainConnectionFailure(error, {
        DB_SSL: this.config.get('DB_SSL', { infer: true }),
        DB_SSL_CA: this.config.get('DB_SSL_CA', { infer: true }),
      });
    }
  }
}

/** The ORM, connected as the runtime role; entities come from each module's forFeature(). */
@Module({})
export class DatabaseModule {
  /** `ownerUrl`, when known, serves maintenance jobs only (MaintenanceDatabase). */
  static forRoot(runtimeUrl: string, ownerUrl?: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        MikroOrmModule.forRootAsync({
          driver: PostgreSqlDriver,
          inject: [ConfigService],
          useFactory: (config: ConfigService<Environment, true>) => ({
            ...ormOptions(runtimeUrl, {
              DB_POOL_MAX: config.get('DB_POOL_MAX', { infer: true }),
              DB_STATEMENT_TIMEOUT_MS: config.get('DB_STATEMENT_TIMEOUT_MS', { infer: true }),
              DB_CONNECT_TIMEOUT_MS: config.get('DB_CONNECT_TIMEOUT_MS', { infer: true }),
              DB_IDLE_TIMEOUT_MS: config.get('DB_IDLE_TIMEOUT_MS', { infer: true }),
              DB_SSL: config.get('DB_SSL', { infer: true }),
              DB_SSL_CA: config.get('DB_SSL_CA', { infer: true }),
            }),
            autoLoadEntities: true,
            // The TenantInterceptor opens each request's unit of work itself; no second fork per request.
            registerRequestContext: false,
          }),
        }),
      ],
      providers: [
        RuntimeRoleCheck,
        MaintenanceDatabase,
        DatabaseAvailability,
        { provide: OWNER_DATABASE_URL, useValue: ownerUrl },
        { provide: RUNTIME_DATABASE_URL, useValue: runtimeUrl },
      ],
      exports: [MaintenanceDatabase, DatabaseAvailability],
      global: true,
    };
  }
}
