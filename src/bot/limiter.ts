/**
 * A concurrency limiter for the CPU-bound reads, with two priorities (FIFO within each): someone
 * waiting on a command or the context menu goes before chat pictures; and a tracker of in-flight
 * work (shutdown).
 */

export type ReadPriority = 'interactive' | 'chat';

export class Limiter {
  private running = 0;
  private readonly queues: Record<ReadPriority, (() => void)[]> = { interactive: [], chat: [] };

  constructor(private readonly max: number) {}

  async run<T>(fn: () => Promise<T>, priority: ReadPriority = 'chat'): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((resolve) => this.queues[priority].push(resolve));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      (this.queues.interactive.shift() ?? this.queues.chat.shift())?.();
    }
  }

  get pending(): number {
    return this.queues.interactive.length + this.queues.chat.length;
  }
  get active(): number {
    return this.running;
  }
}

export class TaskTracker {
  private readonly tasks = new Set<Promise<unknown>>();

  track<T>(p: Promise<T>): Promise<T> {
    this.tasks.add(p);
    const done = () => this.tasks.delete(p);
    p.then(done, done);
    return p;
  }

  get size(): number {
    return this.tasks.size;
  }

  /** Resolves true when all tracked work settled, false if `timeoutMs` passed first. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.tasks.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), left);
      });
      const r = await Promise.race([Promise.allSettled([...this.tasks]).then(() => 'done' as const), timeout]);
      clearTimeout(timer);
      if (r === 'timeout') return this.tasks.size === 0;
    }
    return true;
  }
}
