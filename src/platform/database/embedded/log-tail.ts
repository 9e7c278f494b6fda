/** The last lines PostgreSQL wrote: nothing else explains why it failed to start or died. */
export class LogTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly capacity = 20) {}

  /** Takes output as it arrives and returns the lines it completed. */
  write(chunk: string): string[] {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    const complete = parts.filter((line) => line.trim() !== '');
    this.lines.push(...complete);
    this.lines.splice(0, Math.max(0, this.lines.length - this.capacity));
    return complete;
  }

  includes(text: string): boolean {
    return this.lines.some((line) => line.includes(text)) || this.partial.includes(text);
  }

  /** The last `count` lines, indented to sit under an error message. */
  text(count = this.capacity): string {
    const shown = [...this.lines, this.partial].filter((line) => line.trim() !== '').slice(-count);
    return shown.length > 0 ? shown.map((line) => `  ${line}`).join('\n') : '  (it wrote nothing)';
  }
}
