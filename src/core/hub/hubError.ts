/** A Hub failure explained for people, with a kind the callers branch on (offline falls back to the cache). */
export class HubError extends Error {
  constructor(
    message: string,
    readonly kind: 'not-found' | 'gated' | 'offline' | 'network' | 'invalid' | 'disk-full' | 'read-only',
  ) {
    super(message);
    this.name = 'HubError';
  }
}
