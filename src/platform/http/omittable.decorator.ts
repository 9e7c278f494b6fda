import { ValidateIf } from 'class-validator';

/**
 * An optional field that, when present, is validated like any other: absent means "not given",
 * while null is a wrong value (unlike @IsOptional(), which lets null through unchecked).
 */
export const IsOmittable = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
