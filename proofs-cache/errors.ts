/** A cache configuration the user must fix (bad key, bad URL): a clear message with a stable code, exit 2. */
export class CacheConfigError extends Error {
  override readonly name = "CacheConfigError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
