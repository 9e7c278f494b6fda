import type { FieldError } from '../../platform/errors/problem.js';
import type { WorkflowDefinition } from './workflow-views.js';

/**
 * What the shape of a definition cannot say by itself: step names are unique, `dependsOn` names steps
 * of the same workflow, and the steps form no cycle (they could never all run).
 */
export function definitionErrors(definition: WorkflowDefinition): FieldError[] {
  const names = definition.steps.map((step) => step.name);
  const duplicates = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
  if (duplicates.length > 0) return [{ field: 'definition.steps', messages: [`step names must be unique: ${duplicates.join(', ')}`] }];
  const known = new Set(names);
  const unknown = definition.steps.flatMap((step) => (step.dependsOn ?? []).filter((name) => !known.has(name)));
  if (unknown.length > 0)
    return [{ field: 'definition.steps', messages: [`dependsOn names unknown steps: ${[...new Set(unknown)].join(', ')}`] }];
  const cyclic = stepsInCycles(definition);
  return cyclic.length > 0 ? [{ field: 'definition.steps', messages: [`the steps form a cycle through: ${cyclic.join(', ')}`] }] : [];
}

/** Kahn's algorithm: what is left after removing every step whose prerequisites are all removed. */
function stepsInCycles(definition: WorkflowDefinition): string[] {
  const waiting = new Map(definition.steps.map((step) => [step.name, new Set(step.dependsOn ?? [])]));
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const [name, prerequisites] of waiting) {
      if ([...prerequisites].every((prerequisite) => !waiting.has(prerequisite))) {
        waiting.delete(name);
        progressed = true;
      }
    }
  }
  return [...waiting.keys()];
}
