/**
 * Stands in for `sharp` in the bundle: AI Lab runs text tasks only and does not ship sharp's native
 * binaries. transformers.js requires it at load time; image tasks fail with this message instead.
 */
function sharp(): never {
  throw new Error('Image tasks are not supported by AI Lab (the sharp image library is not shipped).');
}
export default sharp;
