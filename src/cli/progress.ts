/**
 * A progress bar on a terminal, nothing at all otherwise (logs and CI stay plain lines).
 */
export class ProgressBar {
  private readonly tty: boolean;
  private lastDraw = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {
    this.tty = Boolean(stream.isTTY);
  }

  update(done: number, total: number, label = ''): void {
    if (!this.tty) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round((done / total) * width);
    this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(done).padStart(String(total).length)}/${total} ${label}`);
  }

  clear(): void {
    if (this.tty) this.stream.write('\r\x1b[2K');
  }
}
