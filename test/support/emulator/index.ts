export { DiscordEmulator, MANAGE_MESSAGES, ALL_BASIC, type RestCall, type EmulatorOptions, type CdnFault } from './emulator.ts';
export { snowflake } from './snowflake.ts';
export type { ApiAttachment, ApiMessage, ApiUser, Json } from './types.ts';
