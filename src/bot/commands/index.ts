/** Every command the bot registers, one file each ({ data, execute }). */
import type { RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import { correct } from './correct.ts';
import { forget } from './forget.ts';
import { help } from './help.ts';
import { predict } from './predict.ts';
import { readDigits } from './readDigits.ts';
import { retrain } from './retrain.ts';
import { stats } from './stats.ts';
import { toJSON, type Command } from './types.ts';

export const COMMANDS: readonly Command[] = [predict, readDigits, correct, stats, retrain, forget, help];

export const commandsByName: ReadonlyMap<string, Command> = new Map(COMMANDS.map((c) => [c.data.name, c]));

/** The JSON sent to Discord when registering. */
export function commandData(): RESTPostAPIApplicationCommandsJSONBody[] {
  return COMMANDS.map(toJSON);
}

export type { Command } from './types.ts';
