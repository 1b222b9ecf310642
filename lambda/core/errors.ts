/**
 * The message of anything thrown. Not `instanceof Error`: errors raised by Node internals or in
 * another realm (a vm context, a test runner's sandbox) fail that check while still carrying a message.
 */
export function errorMessage(err: unknown): string {
  return typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string' ? err.message : String(err);
}
