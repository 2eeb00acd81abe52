/**
 * Runs in a worker thread of the proof pool (see proof-pool.ts): the JSON-LD work of verifying,
 * canonicalisation with Ed25519 checks and compaction, kept off the main event loop. It never
 * fetches anything: contexts come from the installed packages, as in the main thread, and the
 * few documents a proof names (its key, the key's controller) are looked up by the main thread
 * beforehand and sent with the task.
 */
import { compactInProcess } from './credentials/checks/claims';
import { verifyProof, type ProofVerification } from './credentials/checks/verify-proof';
import { bundledContexts } from './credentials/contexts';
import type { DocumentLoader, JsonLdObject } from './credentials/json-ld';

export type ProofTask =
  | { kind: 'proof'; document: JsonLdObject; documents: Record<string, JsonLdObject> }
  | { kind: 'compact'; document: JsonLdObject };

export type ProofTaskAnswer = ProofVerification | JsonLdObject;

function loaderFor(documents: Record<string, JsonLdObject>): DocumentLoader {
  return (url) => {
    const document = bundledContexts.get(url) ?? (Object.hasOwn(documents, url) ? documents[url] : undefined);
    if (!document) {
      return Promise.reject(
        new Error(`Refusing to load ${url}: it is neither a bundled context nor one of our documents`),
      );
    }
    return Promise.resolve({ contextUrl: null, documentUrl: url, document });
  };
}

/** The pool's task handler. */
export default async function runProofTask(task: ProofTask): Promise<ProofTaskAnswer> {
  if (task.kind === 'proof') return verifyProof(task.document, loaderFor(task.documents));
  return compactInProcess(task.document, loaderFor({}));
}
