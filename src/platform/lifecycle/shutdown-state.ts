import { Injectable } from '@nestjs/common';

/**
 * Whether the process is shutting down. Once it is, readiness fails (load balancers stop routing
 * here), new requests are refused with a 503 and every response closes its connection, while the
 * requests already in flight finish.
 */
@Injectable()
export class ShutdownState {
  private started = false;

  begin(): void {
    this.started = true;
  }

  get draining(): boolean {
    return this.started;
  }
}
