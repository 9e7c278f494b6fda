import type { LoggerService } from '@nestjs/common';
import { LogTail } from './log-tail.js';
import { type PostgresCommand, PostgresRun } from './postgres-run.js';

const FIRST_RESTART_DELAY_MS = 200;
const MAX_RESTART_DELAY_MS = 5_000;

/**
 * Keeps the embedded PostgreSQL running while the server does: when it dies unasked, it is started
 * again on the same folder and port (its crash recovery replays what was committed), retrying with
 * a growing delay for as long as it takes.
 */
export class PostgresSupervisor {
  private run?: PostgresRun;
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;
  // A process that exits without stop() (a failed start-up, a shutdown past its deadline) must not
  // leave PostgreSQL running; an 'exit' listener can only signal, and SIGINT's fast shutdown runs on its own.
  private readonly stopOnExit = () => this.run?.signal('SIGINT');

  constructor(
    private readonly command: PostgresCommand,
    private readonly log: LogTail,
    private readonly logger: LoggerService,
  ) {}

  /** Resolves once PostgreSQL accepts connections; throws with its last log lines if it does not. */
  async start(): Promise<void> {
    process.on('exit', this.stopOnExit);
    let run: PostgresRun;
    try {
      run = this.launch();
      await run.ready;
    } catch (error) {
      process.off('exit', this.stopOnExit);
      throw new Error(`${this.describeStartFailure((error as Error).message)} PostgreSQL's last log lines:\n${this.log.text()}`);
    }
    this.supervise(run);
  }

  pid(): number | undefined {
    return this.run?.pid;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    process.off('exit', this.stopOnExit);
    if (await this.run?.stop()) {
      this.logger.warn(`PostgreSQL did not shut down in time and was killed; its next start will recover from the write-ahead log`);
    }
  }

  private launch(): PostgresRun {
    this.run = new PostgresRun(this.command, this.log);
    return this.run;
  }

  private supervise(run: PostgresRun): void {
    const pid = run.pid;
    void run.exited.then((how) => {
      if (this.stopping) return;
      this.logger.error(`PostgreSQL (pid ${pid}) ${how} unexpectedly; restarting it. Its last log lines:\n${this.log.text(10)}`);
      this.scheduleRestart(FIRST_RESTART_DELAY_MS);
    });
  }

  private scheduleRestart(delayMs: number): void {
    // Unreferenced: a pending restart alone must not keep a finished process alive.
    this.restartTimer = setTimeout(() => void this.restart(delayMs), delayMs).unref();
  }

  private async restart(delayMs: number): Promise<void> {
    let run: PostgresRun;
    try {
      run = this.launch();
      await run.ready;
    } catch (error) {
      if (this.stopping) return;
      const nextDelayMs = Math.min(delayMs * 2, MAX_RESTART_DELAY_MS);
      this.logger.warn(
        `PostgreSQL did not start again (${(error as Error).message}); next attempt in ${nextDelayMs} ms. Its last log lines:\n${this.log.text(3)}`,
      );
      this.scheduleRestart(nextDelayMs);
      return;
    }
    if (this.stopping) return;
    this.logger.log(`PostgreSQL is back (pid ${run.pid})`);
    this.supervise(run);
  }

  private describeStartFailure(how: string): string {
    const { dataDir, port } = this.command;
    const failure = `The embedded PostgreSQL on ${dataDir} (port ${port}) did not start: ${how}.`;
    return this.log.includes('Address already in use')
      ? `${failure} Port ${port} is already in use by another program: set EMBEDDED_PG_PORT to a free port.`
      : failure;
  }
}
