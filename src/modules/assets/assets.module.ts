import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { Asset } from './asset.entity.js';
import { AssetDependenciesService } from './asset-dependencies.service.js';
import { AssetDependency } from './asset-dependency.entity.js';
import { AssetsController } from './assets.controller.js';
import { AssetsService } from './assets.service.js';

@Module({
  imports: [MikroOrmModule.forFeature([Asset, AssetDependency])],
  controllers: [AssetsController],
  providers: [AssetsService, AssetDependenciesService],
  exports: [AssetsService, AssetDependenciesService],
})
export class AssetsModule {}
