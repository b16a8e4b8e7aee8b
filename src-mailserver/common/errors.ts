// Error kinds shared by every subsystem. Mapped to protocol replies in one place per protocol:
// UserError (the client's mistake: 5xx / NO), ServerError (our fault: 4xx / NO, logged with the
// stack), ProtocolSyntaxError (unparseable input: 500 / BAD). Clients only ever see fixed text.

/** The client asked for something it may not have or that does not exist; say so plainly. */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly code: string = 'invalid',
  ) {
    super(message);
  }
}

/** Something on our side failed; the client gets a temporary failure, the log gets the detail. */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Input that does not parse. `position` is the offset where parsing stopped. */
export class ProtocolSyntaxError extends Error {
  override readonly name = 'ProtocolSyntaxError';
  constructor(
    message: string,
    readonly position = 0,
  ) {
    super(message);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
