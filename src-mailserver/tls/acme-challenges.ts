// Pending ACME HTTP-01 challenges (RFC 8555 §8.3): token → key authorization, set by the ACME
// client while an order is validated and served by the HTTP listener on port 80 at
// /.well-known/acme-challenge/TOKEN. In memory only: a challenge lives for seconds.
export class AcmeChallengeStore {
  private readonly tokens = new Map<string, string>();

  set(token: string, keyAuthorization: string): void {
    this.tokens.set(token, keyAuthorization);
  }

  delete(token: string): void {
    this.tokens.delete(token);
  }

  /** The key authorization for a token, or undefined. Tokens are base64url (§8.1). */
  get(token: string): string | undefined {
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(token)) return undefined;
    return this.tokens.get(token);
  }

  get size(): number {
    return this.tokens.size;
  }
}
