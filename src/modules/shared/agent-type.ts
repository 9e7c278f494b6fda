/** The agents of a task team: shared vocabulary of the tasks and lessons modules. */
export const AGENT_TYPES = [
  'orchestrator',
  'project_manager',
  'architect',
  'analyst',
  'ui_designer',
  'frontend_dev',
  'backend_dev',
  'tester',
  'bug_fixer',
  'reviewer',
  'git_agent',
] as const;
export type AgentType = (typeof AGENT_TYPES)[number];
