/**
 * Per-user cooldown: at most `maxRequests` reads per sliding `windowMs`. Pure bookkeeping with an
 * injected clock, so it is tested without timers. `notify` is true once per blocked window, so the
 * bot tells a user to slow down once instead of answering every extra message.
 */
export interface CooldownVerdict {
  ok: boolean;
  /** ms until the next request would be allowed (0 when ok) */
  retryAfterMs: number;
  /** first refusal in this window: worth telling the user */
  notify: boolean;
}

export class Cooldown {
  private readonly hits = new Map<string, number[]>();
  private readonly notified = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxRequests: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a request for `key` if allowed. */
  take(key: string): CooldownVerdict {
    if (this.windowMs <= 0) return { ok: true, retryAfterMs: 0, notify: false };
    const t = this.now();
    const recent = (this.hits.get(key) ?? []).filter((h) => t - h < this.windowMs);
    if (recent.length < this.maxRequests) {
      recent.push(t);
      this.hits.set(key, recent);
      this.notified.delete(key);
      return { ok: true, retryAfterMs: 0, notify: false };
    }
    this.hits.set(key, recent);
    const retryAfterMs = this.windowMs - (t - recent[0]!);
    const last = this.notified.get(key);
    const notify = last === undefined || t - last >= this.windowMs;
    if (notify) this.notified.set(key, t);
    return { ok: false, retryAfterMs, notify };
  }

  /** Drops users with no recent requests (call now and then to bound memory). */
  sweep(): void {
    const t = this.now();
    for (const [k, v] of this.hits) if (v.every((h) => t - h >= this.windowMs)) this.hits.delete(k);
    for (const [k, v] of this.notified) if (t - v >= this.windowMs) this.notified.delete(k);
  }

  get size(): number {
    return this.hits.size;
  }
}
