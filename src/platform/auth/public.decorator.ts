import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'tessera:isPublic';

/** Opts a route out of authentication. Only health checks and API docs use it. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
