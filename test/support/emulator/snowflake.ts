const DISCORD_EPOCH = 1420070400000n;
let last = 0n;
/** Unique Discord-style ids, strictly increasing (ordered by time, and within a millisecond by creation). */
export function snowflake(): string {
  const next = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
  last = next > last ? next : last + 1n;
  return String(last);
}
