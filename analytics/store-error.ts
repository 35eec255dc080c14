import { VigilError } from '../api/errors.js';

/** Wraps an engine or transport failure as STORE_UNAVAILABLE, keeping only its first line. */
export function storeError(err: unknown): VigilError {
  if (err instanceof VigilError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new VigilError('STORE_UNAVAILABLE', `store: ${message.split('\n')[0]}`, { cause: err });
}
