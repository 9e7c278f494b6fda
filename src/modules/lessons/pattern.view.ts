import type { EntityDTO } from '@mikro-orm/core';
import type { Pattern } from './pattern.entity.js';

export function patternView(pattern: Pattern | EntityDTO<Pattern>) {
  return {
    id: pattern.id,
    type: pattern.type,
    agentType: pattern.agentType ?? null,
    pattern: pattern.pattern,
    frequency: pattern.frequency,
    lastSeen: pattern.lastSeen,
    createdAt: pattern.createdAt,
  };
}
