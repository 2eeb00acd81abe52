import { AppError, ValidationFailed, type FieldErrors } from '../web/errors';
import { formatCount } from '../web/format';

/**
 * How much work one request to /verify may ask for. Every way in (pasted text, uploaded file,
 * JSON body, baked image) is held to the same byte cap, and the parsed JSON to these bounds
 * before any JSON-LD processing starts: a credential we issue uses 2 contexts, nests about 6
 * deep and has a few hundred JSON values.
 */
export interface VerifyLimits {
  /** Largest credential accepted, in bytes of UTF-8 JSON (also the largest uploaded file). */
  maxBytes: number;
  /** Most `@context` entries anywhere in the document (one per URL or inline object). */
  maxContexts: number;
  /** Most JSON values (objects, arrays, strings, numbers...) in the document. */
  maxNodes: number;
  /** Deepest nesting of objects and arrays. */
  maxDepth: number;
  /** Longest a signature check may take before the answer is "could not check in time". */
  timeBudgetMs: number;
}

export const DEFAULT_VERIFY_LIMITS: Readonly<VerifyLimits> = Object.freeze({
  maxBytes: 256 * 1024,
  maxContexts: 8,
  maxNodes: 20_000,
  maxDepth: 32,
  timeBudgetMs: 4_000,
});

/** A credential too large to take at all (413, with a message a person can act on). */
export class CredentialTooLarge extends AppError {
  readonly status = 413;
  readonly title = 'Too much data';
  constructor(readonly fieldErrors: FieldErrors) {
    super(Object.values(fieldErrors)[0] ?? 'What you sent is too large.');
  }
}

/** The signature check did not finish within its time budget, or every checker was busy. */
export class CouldNotCheckInTime extends AppError {
  readonly status = 503;
  readonly title = 'Could not check in time';
  constructor() {
    super(
      'We could not check this credential in time: it takes unusually long to check, or many checks are ' +
        'under way. A credential we issued takes well under a second; try again in a minute.',
    );
  }
}

/** Kilobytes, rounded, for messages. */
export const kilobytes = (bytes: number) => `${formatCount(Math.round(bytes / 1024))} KB`;

/**
 * Parses a credential's JSON text within the limits; throws ValidationFailed (or CredentialTooLarge)
 * with a reason a person can act on.
 */
export function parseCredentialText(text: string, limits: VerifyLimits): unknown {
  if (!text.trim()) throw new ValidationFailed({ credential: 'Paste the credential JSON or choose a file.' });
  if (Buffer.byteLength(text, 'utf8') > limits.maxBytes) {
    throw new CredentialTooLarge({
      credential: `This is larger than ${kilobytes(limits.maxBytes)}, the most we check. A credential is usually under 100 KB: paste only the credential.`,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    throw new ValidationFailed({
      credential: 'This is not valid JSON. Paste the whole credential, from the first { to the last }.',
    });
  }
  assertWithinBounds(parsed, limits);
  return parsed;
}

/** Throws ValidationFailed when a parsed document is too deep, too big or names too many contexts. */
export function assertWithinBounds(document: unknown, limits: VerifyLimits): void {
  const problem = boundsProblem(document, limits);
  if (problem) throw new ValidationFailed({ credential: problem });
}

/**
 * Why a parsed document asks for more JSON-LD work than we do for one request, or undefined.
 * Walks the document without recursion, so no nesting can exhaust the stack.
 */
export function boundsProblem(document: unknown, limits: VerifyLimits): string | undefined {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return 'A credential is a JSON object, from { to }. Paste the whole credential.';
  }
  let nodes = 0;
  let contexts = 0;
  const pending: [unknown, number][] = [[document, 1]];
  while (pending.length) {
    const [value, depth] = pending.pop()!;
    if (++nodes > limits.maxNodes) {
      return `This has more than ${limits.maxNodes} JSON values; a credential has far fewer. It is not checked.`;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limits.maxDepth) {
      return `This is nested more than ${limits.maxDepth} levels deep; a credential is not. It is not checked.`;
    }
    const children = Array.isArray(value) ? (value as unknown[]) : Object.values(value);
    if (!Array.isArray(value) && '@context' in value) {
      const context = (value as Record<string, unknown>)['@context'];
      contexts += Array.isArray(context) ? context.length : 1;
      if (contexts > limits.maxContexts) {
        return `This names more than ${limits.maxContexts} JSON-LD contexts; an Open Badges credential names two. It is not checked.`;
      }
    }
    for (const child of children) pending.push([child, depth + 1]);
  }
  return undefined;
}
