import type { AgentType } from '../shared/agent-type.js';

/** A lesson as the API shows it (and as the repository reads it). */
export interface LessonView {
  id: string;
  category: string;
  title: string;
  summary: string;
  details: string | null;
  tags: string[];
  sourceAgent: AgentType | null;
  taskId: string | null;
  confidence: number;
  applicationCount: number;
  successRate: number | null;
  humanValidated: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** A lesson as its statements read it: the ORM's connection hands timestamps over as text. */
export type LessonRow = Omit<LessonView, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

export function lessonView({ createdAt, updatedAt, ...lesson }: LessonRow): LessonView {
  return { ...lesson, createdAt: new Date(createdAt), updatedAt: new Date(updatedAt) };
}
