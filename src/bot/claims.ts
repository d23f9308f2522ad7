/**
 * Which chat messages this process has taken on: the gateway and the start-up catch-up can both
 * see a message posted around the moment the bot connects, and only the first may handle it.
 * Bounded: the oldest ids are forgotten first.
 */
export class MessageClaims {
  private readonly ids = new Set<string>();

  constructor(private readonly max = 5_000) {}

  /** true the first time an id is claimed, false after */
  claim(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value!);
    return true;
  }
}
