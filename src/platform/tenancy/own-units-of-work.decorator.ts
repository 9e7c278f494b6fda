import { SetMetadata } from '@nestjs/common';

export const OWN_UNITS_OF_WORK = 'tessera:ownUnitsOfWork';

/**
 * For long-running handlers (streamed exports): the TenantInterceptor sets the tenant context but
 * opens no transaction; the handler runs each short piece of work in its own TenantScope.run(), so
 * a slow client never holds a transaction or a pooled connection.
 */
export const OwnUnitsOfWork = () => SetMetadata(OWN_UNITS_OF_WORK, true);
