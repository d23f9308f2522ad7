const DISCORD_EPOCH = 1420070400000n;
let counter = 0n;
/** Unique, time-ordered Discord-style ids. */
export function snowflake(): string {
  counter = (counter + 1n) & 0xfffn;
  const ts = BigInt(Date.now()) - DISCORD_EPOCH;
  return String((ts << 22n) | (BigInt(process.pid & 0x1f) << 17n) | (BigInt(Math.floor(Math.random() * 32)) << 12n) | counter);
}
