/** Why the bot could not connect, in one line a newcomer can act on (the common set-up mistakes). */

export function explainStartFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/disallowed intents|privileged intent/i.test(message)) {
    return (
      'Discord refused the Message Content intent (Used disallowed intents): switch it on in the Developer Portal, ' +
      'https://discord.com/developers/applications → your application → Bot → Privileged Gateway Intents → Message Content Intent, then start again'
    );
  }
  if (/token/i.test(message)) return 'Discord refused the token (DISCORD_TOKEN): check it in the developer portal (Bot → Reset Token)';
  return 'cannot connect to Discord';
}
