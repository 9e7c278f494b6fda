import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { Lesson } from './lesson.entity.js';
import { LessonsController } from './lessons.controller.js';
import { LessonsService } from './lessons.service.js';
import { Pattern } from './pattern.entity.js';
import { PatternsController } from './patterns.controller.js';
import { PatternsService } from './patterns.service.js';

@Module({
  imports: [MikroOrmModule.forFeature([Lesson, Pattern])],
  controllers: [LessonsController, PatternsController],
  providers: [LessonsService, PatternsService],
  exports: [LessonsService, PatternsService],
})
export class LessonsModule {}
