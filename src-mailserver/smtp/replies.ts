// SMTP replies raised from policy hooks: an Error carrying the reply code, with the enhanced
// status code (RFC 3463) written at the start of the text. The texts are fixed: details go to
// the log, never to the client.

export interface SmtpReplyError extends Error {
  responseCode: number;
}

export function smtpReply(code: number, text: string): SmtpReplyError {
  const err = new Error(text) as SmtpReplyError;
  err.responseCode = code;
  return err;
}

export const Replies = {
  relayDenied: () => smtpReply(554, '5.7.1 Relay access denied'),
  unknownUser: () => smtpReply(550, '5.1.1 No such user here'),
  mailboxFull: () => smtpReply(552, '5.2.2 Mailbox full'),
  tooBig: (limit: number) => smtpReply(552, `5.3.4 Message exceeds the size limit of ${limit} bytes`),
  tempFailure: () => smtpReply(451, '4.3.0 Temporary local problem, please try again later'),
  forwardingUnavailable: () => smtpReply(451, '4.3.0 Forwarding temporarily unavailable, please try again later'),
  badSender: () => smtpReply(553, '5.1.7 Invalid sender address'),
  shuttingDown: () => smtpReply(421, '4.3.2 Server shutting down'),
  unknownParameter: (name: string) => smtpReply(555, `5.5.4 Unsupported parameter ${name.replace(/[^A-Z0-9-]/gi, '?').slice(0, 40)}`),
} as const;

/** MAIL FROM / RCPT TO parameters we implement (RFC 1870 SIZE, RFC 6152 BODY, RFC 6531 SMTPUTF8). */
export const MAIL_PARAMETERS = new Set(['SIZE', 'BODY', 'SMTPUTF8']);
export const RCPT_PARAMETERS = new Set<string>();

/** The first parameter not in `allowed` (RFC 5321 §4.1.1.11 wants 555 for those), or null. */
export function unsupportedParameter(args: Record<string, unknown> | false, allowed: Set<string>): string | null {
  if (!args) return null;
  for (const key of Object.keys(args)) if (!allowed.has(key.toUpperCase())) return key;
  return null;
}
