import type { AgentType } from '../shared/agent-type.js';

/** A pattern as the API shows it (and as the repository reads it). */
export interface PatternView {
  id: string;
  type: string;
  agentType: AgentType | null;
  pattern: unknown;
  frequency: number;
  /** Instants as the API writes them (ISO 8601, UTC, milliseconds). */
  lastSeen: string;
  createdAt: string;
}
