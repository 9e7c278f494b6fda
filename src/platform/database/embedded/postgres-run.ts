import { type ChildProcess, spawn } from 'node:child_process';
import { LogTail } from './log-tail.js';

export interface PostgresCommand {
  binary: string;
  dataDir: string;
  port: number;
  flags: string[];
  /** Set when Tessera runs as root, which PostgreSQL refuses: it then runs as the data folder's owner. */
  user?: { uid: number; gid: number };
}

const READY_LINE = 'database system is ready to accept connections';
/** A fast shutdown still running after this is cut short; crash recovery on the next start keeps committed data. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

/** One run of the postmaster, from spawn to exit. */
export class PostgresRun {
  /** Resolves once it accepts connections; rejects, saying how it ended, if it exits first. */
  readonly ready: Promise<void>;
  /** Resolves when it has exited, saying how. */
  readonly exited: Promise<string>;
  private readonly child: ChildProcess;
  private ended = false;

  constructor(command: PostgresCommand, log: LogTail) {
    // Its own session and process group: a terminal's Ctrl-C then reaches the server alone, which
    // drains in-flight requests before it stops PostgreSQL.
    this.child = spawn(command.binary, ['-D', command.dataDir, '-p', String(command.port), ...command.flags], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      ...command.user,
    });
    this.exited = new Promise<string>((resolve) => {
      this.child.once('exit', (code, signal) => resolve(signal ? `was killed by ${signal}` : `exited with code ${code}`));
      this.child.once('error', (error) => resolve(`could not be run (${error.message})`));
    }).finally(() => {
      this.ended = true;
    });
    this.ready = new Promise<void>((resolve, reject) => {
      this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        if (log.write(chunk).some((line) => line.includes(READY_LINE))) resolve();
      });
      void this.exited.then((how) => reject(new Error(`it ${how}`)));
    });
  }

  /** The postmaster's pid while it runs. */
  get pid(): number | undefined {
    return this.ended ? undefined : this.child.pid;
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.ended) this.child.kill(signal);
  }

  /** Fast shutdown (open transactions roll back, a checkpoint is written); true when it had to be killed. */
  async stop(): Promise<boolean> {
    if (this.ended) return false;
    this.child.kill('SIGINT');
    let forced = false;
    const timer = setTimeout(() => {
      forced = true;
      this.child.kill('SIGKILL');
    }, SHUTDOWN_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
    return forced;
  }
}
