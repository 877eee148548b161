/**
 * Whether Ask a Question on one document may rank its passages by meaning too: the embedding model
 * of the workspace index when there is one made with the configured model (it is known to load).
 * Set by the workspace index service at activation.
 */
let source: (() => string | undefined) | undefined;

export function setIndexedEmbedder(f: (() => string | undefined) | undefined): void {
  source = f;
}

/** The embedding model for hybrid retrieval in Ask, or undefined (BM25 alone). */
export function indexedEmbedder(): string | undefined {
  try {
    return source?.();
  } catch {
    return undefined;
  }
}
