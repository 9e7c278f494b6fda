import type { PipeTransform } from '@nestjs/common';
import { WorkflowProblems } from './workflow-problems.js';

/** Workflow names sit in paths: letters, digits and . _ : - (an OpenLineage job name fits), at most 200. */
export const WORKFLOW_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

/** Refuses a `:name` path segment that no workflow can have (400 validation-failed, naming the `name` field). */
export class ParseWorkflowNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!WORKFLOW_NAME_PATTERN.test(value)) {
      throw WorkflowProblems.invalidName();
    }
    return value;
  }
}
