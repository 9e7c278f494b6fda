import { Injectable } from '@nestjs/common';

/**
 * Where the process is on its way out. Withdrawn: readiness fails so that load balancers stop routing
 * here, while every request that still arrives is served (they notice only at their next probe).
 * Draining: new requests are refused with a 503 and every response closes its connection, while the
 * requests already in flight finish.
 */
@Injectable()
export class ShutdownState {
  private phase: 'serving' | 'withdrawn' | 'draining' = 'serving';

  withdraw(): void {
    if (this.phase === 'serving') this.phase = 'withdrawn';
  }

  begin(): void {
    this.phase = 'draining';
  }

  /** False from the moment shutdown starts, before requests are refused. */
  get ready(): boolean {
    return this.phase === 'serving';
  }

  get draining(): boolean {
    return this.phase === 'draining';
  }
}
