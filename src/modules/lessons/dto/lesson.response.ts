import { arrayOf, enumOf, Instant, Integer, namedSchema, nullable, objectOf, pageOf, Uuid } from '../../../platform/http/openapi.js';
import { AGENT_TYPES } from '../../shared/agent-type.js';

/** The response schemas of the lessons module, matching lesson.view.ts and pattern.view.ts. */

const Agent = enumOf(AGENT_TYPES);

export const LessonSchema = namedSchema(
  'Lesson',
  objectOf(
    {
      id: Uuid,
      category: { type: 'string', example: 'testing' },
      title: { type: 'string' },
      summary: { type: 'string' },
      details: { type: 'string', nullable: true },
      tags: arrayOf({ type: 'string' }),
      sourceAgent: nullable(Agent),
      taskId: nullable(Uuid),
      confidence: { type: 'number' },
      applicationCount: { ...Integer, minimum: 0 },
      successRate: { type: 'number', nullable: true, description: 'The share of recorded applications that succeeded; null before any.' },
      humanValidated: { type: 'boolean' },
      createdAt: Instant,
      updatedAt: Instant,
    },
    { description: 'A lesson learned.' },
  ),
);

export const LessonPageSchema = pageOf('LessonPage', LessonSchema);

export const PatternSchema = namedSchema(
  'Pattern',
  objectOf(
    {
      id: Uuid,
      type: { type: 'string' },
      agentType: nullable(Agent),
      pattern: { description: 'The pattern as recorded: any JSON value.', nullable: true },
      frequency: { ...Integer, minimum: 1 },
      lastSeen: Instant,
      createdAt: Instant,
    },
    { description: 'A recurring pattern and how often it was seen.' },
  ),
);

export const PatternPageSchema = pageOf('PatternPage', PatternSchema);
