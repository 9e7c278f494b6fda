import { Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedException } from '../../platform/errors/problem.exception.js';
import type { FieldError } from '../../platform/errors/problem.js';
import { createValidationPipe } from '../../platform/http/validation.pipe.js';
import { LayoutMoveDto } from '../widgets/dto/layout-move.dto.js';

export const MAX_LAYOUT_BATCH = 100;

/**
 * The body of a layout batch: an array of 1–100 moves, each validated like any body (unknown keys
 * refused), each widget at most once. Errors name the item: `3.position.x`.
 */
@Injectable()
export class LayoutBatchPipe implements PipeTransform<unknown, Promise<LayoutMoveDto[]>> {
  private readonly itemPipe = createValidationPipe();

  async transform(value: unknown): Promise<LayoutMoveDto[]> {
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LAYOUT_BATCH) {
      throw new ValidationFailedException([
        { field: 'body', messages: [`must be an array of 1 to ${MAX_LAYOUT_BATCH} { widgetId, position } items`] },
      ]);
    }
    const moves: LayoutMoveDto[] = [];
    const errors: FieldError[] = [];
    for (const [index, item] of value.entries()) {
      try {
        moves.push((await this.itemPipe.transform(item, { type: 'body', metatype: LayoutMoveDto })) as LayoutMoveDto);
      } catch (error) {
        if (!(error instanceof ValidationFailedException)) throw error;
        const itemErrors = (error.getResponse() as { errors: FieldError[] }).errors;
        errors.push(...itemErrors.map((fieldError) => ({ ...fieldError, field: `${index}.${fieldError.field}` })));
      }
    }
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const seen = new Set<string>();
    moves.forEach((move, index) => {
      const id = move.widgetId.toLowerCase();
      if (seen.has(id)) errors.push({ field: `${index}.widgetId`, messages: ['each widget may appear only once in a batch'] });
      seen.add(id);
    });
    if (errors.length > 0) throw new ValidationFailedException(errors);
    return moves;
  }
}
