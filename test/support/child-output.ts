import type { Readable } from 'node:stream';

const KEPT_CHARACTERS = 20_000;

/** The last part of what a child process wrote to a stream, for failure messages. */
export class ChildOutput {
  private text = '';

  constructor(stream: Readable | null) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      this.text = (this.text + chunk).slice(-KEPT_CHARACTERS);
    });
  }

  toString(): string {
    return this.text;
  }
}
