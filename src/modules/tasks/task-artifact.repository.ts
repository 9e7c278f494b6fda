import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { TaskArtifact } from './task-artifact.entity.js';

export interface NewArtifact {
  taskId: string;
  executionId: string | null;
  type: string;
  path: string;
  content: string | null;
  metadata: Record<string, unknown>;
}

const EXAMPLE_ARTIFACT: NewArtifact = {
  taskId: EXAMPLE_ID,
  executionId: null,
  type: 'source_file',
  path: 'src/app.ts',
  content: 'export {};',
  metadata: {},
};

/** What the current tenant's tasks produced. */
export class TaskArtifactRepository extends TenantRepository<TaskArtifact> {
  @RecordSql([EXAMPLE_ARTIFACT])
  async add(fields: NewArtifact): Promise<TaskArtifact> {
    const artifact = this.em.create(TaskArtifact, { ...fields, contentBytes: fields.content ? Buffer.byteLength(fields.content) : 0 });
    await this.em.flush();
    return artifact;
  }

  /** The artifact with its body, which other reads leave out. */
  @RecordSql([EXAMPLE_ID])
  withContent(id: string): Promise<TaskArtifact | null> {
    return this.findOne({ id }, { populate: ['content'] });
  }

  /** Those of the ids that name artifacts of this task. */
  @RecordSql([EXAMPLE_ID, [EXAMPLE_ID]])
  ofTaskAmong(taskId: string, ids: readonly string[]): Promise<TaskArtifact[]> {
    return this.find({ id: { $in: [...ids] }, taskId });
  }
}
