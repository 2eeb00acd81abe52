import jsonld from 'jsonld';
import {
  OPEN_BADGES_V3_CONTEXT_URL,
  OPEN_BADGES_V3_CONTEXT_URLS,
  OPEN_BADGES_V3_EXTENSIONS_CONTEXT_URL,
  VC_V2_CONTEXT_URL,
} from '../contexts';
import { CheckNotMade } from './check-result';
import { isJsonObject, valuesOf, type DocumentLoader, type JsonLdObject } from '../json-ld';

/**
 * Compacts a credential against the contexts we accept (JSON-LD work: the worker pool runs it in
 * production). `signal` bounds the time it may take.
 */
export type Compactor = (
  credential: JsonLdObject,
  documentLoader: DocumentLoader,
  signal?: AbortSignal,
) => Promise<JsonLdObject>;

/** What a credential means, read in our terms, and why we refuse how it is written (if we do). */
export interface ClaimsReading {
  /** The credential compacted against VC 2.0 + Open Badges 3.0; undefined when its meaning could not be read. */
  claims?: JsonLdObject;
  /** A plain reason to refuse the credential, or undefined. */
  problem?: string;
}

/** The terms whose meaning our checks and pages rely on: they must be written exactly as our contexts spell them. */
const CHECKED_TERMS = [
  'id',
  'type',
  'issuer',
  'credentialSubject',
  'credentialStatus',
  'validFrom',
  'validUntil',
] as const;

/**
 * The one context list we read claims with: VC 2.0, then the Open Badges 3.0 context the credential
 * names, then 1EdTech's extensions context when the credential names it (it defines the type of
 * `credentialSchema` and nothing we check).
 */
export function acceptedContexts(credential: JsonLdObject): string[] {
  const contexts = valuesOf(credential['@context']);
  const named = contexts.find(
    (context): context is string => typeof context === 'string' && OPEN_BADGES_V3_CONTEXT_URLS.has(context),
  );
  const accepted = [VC_V2_CONTEXT_URL, named ?? OPEN_BADGES_V3_CONTEXT_URL];
  if (contexts.includes(OPEN_BADGES_V3_EXTENSIONS_CONTEXT_URL))
    accepted.push(OPEN_BADGES_V3_EXTENSIONS_CONTEXT_URL);
  return accepted;
}

/**
 * In-process compaction (tests, scripts; the app hands the same work to its worker pool). Only the
 * checked terms are kept: the rest (evidence, proof) is not read from it, and need not be kept.
 */
export const compactInProcess: Compactor = async (credential, documentLoader) => {
  const compacted = (await jsonld.compact(
    credential,
    { '@context': acceptedContexts(credential) },
    { documentLoader },
  )) as JsonLdObject;
  return Object.fromEntries(CHECKED_TERMS.filter((term) => term in compacted).map((t) => [t, compacted[t]]));
};

/**
 * Reads what the credential means in the terms we check, and refuses any other way of writing
 * it: extra or inline contexts, JSON-LD keywords or IRIs used as field names, or a checked term
 * whose value differs once its meaning is read. A compactor that runs out of time throws; that
 * error is passed on (it is not a verdict on the credential).
 */
export async function readClaims(
  credential: unknown,
  documentLoader: DocumentLoader,
  compact: Compactor = compactInProcess,
  signal?: AbortSignal,
): Promise<ClaimsReading> {
  if (!isJsonObject(credential)) return { problem: 'it is not a JSON object' };
  const spelling = spellingProblem(credential);
  let claims: JsonLdObject;
  try {
    claims = await compact(credential, documentLoader, signal);
  } catch (error) {
    if (signal?.aborted || error instanceof CheckNotMade) throw error;
    const why = error instanceof Error ? error.message : String(error);
    return { problem: spelling ?? `its JSON-LD meaning could not be read (${why})` };
  }
  return { claims, problem: spelling ?? disagreement(credential, claims) };
}

/**
 * Why the credential is not written the one way we read, or undefined. Pure JSON, no JSON-LD:
 * the top-level `@context` must be exactly VC 2.0, one Open Badges 3.0 context and optionally
 * 1EdTech's extensions context; no object
 * may carry its own `@context`, and no field name may be a JSON-LD keyword or an IRI.
 */
export function spellingProblem(credential: JsonLdObject): string | undefined {
  const contexts = valuesOf(credential['@context']);
  if (
    contexts.length < 2 ||
    contexts.length > 3 ||
    contexts[0] !== VC_V2_CONTEXT_URL ||
    typeof contexts[1] !== 'string' ||
    !OPEN_BADGES_V3_CONTEXT_URLS.has(contexts[1]) ||
    (contexts.length === 3 && contexts[2] !== OPEN_BADGES_V3_EXTENSIONS_CONTEXT_URL)
  ) {
    return `its @context must be exactly ${VC_V2_CONTEXT_URL}, one Open Badges 3.0 context and optionally ${OPEN_BADGES_V3_EXTENSIONS_CONTEXT_URL}; other or inline contexts could change what its fields mean`;
  }
  const fields = Object.entries(credential).filter(([key]) => key !== '@context');
  const pending: [unknown, string][] = [[Object.fromEntries(fields), '']];
  while (pending.length) {
    const [value, path] = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push([item, `${path}[${index}]`]));
      continue;
    }
    for (const [key, child] of Object.entries(value)) {
      const where = path ? `${path}.${key}` : key;
      if (key === '@context')
        return `${path} carries its own @context, which could change what its fields mean`;
      if (key.startsWith('@'))
        return `it uses the JSON-LD keyword ${where} as a field; write the field's plain name`;
      if (key.includes(':')) return `it names a field by the IRI "${key}" instead of its plain name`;
      pending.push([child, where]);
    }
  }
  return undefined;
}

/** The first checked term whose value is not the same once its JSON-LD meaning is read. */
function disagreement(written: JsonLdObject, read: JsonLdObject): string | undefined {
  const term = CHECKED_TERMS.find((name) => !sameJson(written[name], read[name]));
  return term
    ? `what it says under "${term}" is not what that field means once its JSON-LD contexts are applied`
    : undefined;
}

/** Deep equality of JSON values, where a one-item array equals its item (JSON-LD sets). */
function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && a.length === 1) return sameJson(a[0], b);
  if (Array.isArray(b) && b.length === 1) return sameJson(a, b[0]);
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]))
    );
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && sameJson(a[key], b[key]));
  }
  return a === b;
}
