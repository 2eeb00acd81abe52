import path from 'node:path';
import { Piscina } from 'piscina';
import {
  CheckNotMade,
  type Compactor,
  type DocumentLoader,
  type JsonLdObject,
  type ProofVerification,
  type ProofVerifier,
} from './credentials';
import { idOf, isJsonObject, valuesOf } from './credentials/json-ld';
import type { ProofTask, ProofTaskAnswer } from './proof-worker';

/** The most memory one worker's heap may take. */
const WORKER_HEAP_MB = 256;

const WARM_UP: JsonLdObject = {
  '@context': 'https://www.w3.org/ns/credentials/v2',
  type: 'VerifiableCredential',
};

/** The check ran out of its time budget, or waited for a free worker longer than that. */
export class CheckOutOfTime extends CheckNotMade {
  constructor() {
    super('The check did not finish within its time budget.');
  }
}

/** Every worker is busy and the queue is full. */
export class CheckersBusy extends CheckNotMade {
  constructor() {
    super('Every checker is busy.');
  }
}

/**
 * Where the worker code is. From dist/ (production) it is the compiled .js next to this file;
 * under ts-jest or tsx (tests, `npm run dev`) it is the .ts source, which the worker loads
 * through tsx (a devDependency, present wherever .ts files run).
 */
function workerScript(): { filename: string; execArgv: string[] } {
  const source = __filename.endsWith('.ts');
  return {
    filename: path.join(__dirname, source ? 'proof-worker.ts' : 'proof-worker.js'),
    execArgv: source ? ['--require', require.resolve('tsx/cjs')] : [],
  };
}

/**
 * A small pool of worker threads for the JSON-LD work of verifying (piscina): a costly or hostile
 * credential keeps a worker busy, never the event loop, and a task that outlives its caller's
 * signal is abandoned (a running worker is stopped and replaced). Idle workers do not keep the
 * process alive and exit after a minute.
 */
export class ProofPool {
  private started: Piscina<ProofTask, ProofTaskAnswer> | undefined;
  private warm: Promise<void> | undefined;

  constructor(private readonly threads: number) {}

  /** The workers start on first use: a process that never verifies (a script, most tests) starts none. */
  private get pool(): Piscina<ProofTask, ProofTaskAnswer> {
    return (this.started ??= new Piscina({
      ...workerScript(),
      // One worker stays loaded (and is replaced when a task over budget stops it); more start on demand.
      minThreads: 1,
      maxThreads: this.threads,
      maxQueue: this.threads * 32,
      idleTimeout: 60_000,
      // A hostile document may not grow a worker without bound: past this, the worker is stopped.
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    }));
  }

  /** Checks a proof in a worker; the key and its controller are looked up here first. */
  readonly verifyProof: ProofVerifier = async (document, documentLoader, signal) => {
    const documents = await documentsNamedBy(document, documentLoader);
    return (await this.run({ kind: 'proof', document, documents }, signal)) as ProofVerification;
  };

  /** Compacts a credential against the contexts we accept, in a worker. */
  readonly compact: Compactor = async (document, _documentLoader, signal) =>
    this.run({ kind: 'compact', document }, signal);

  /**
   * Resolves once a worker has loaded the JSON-LD libraries, so a check's time budget is not spent
   * starting one. Asked again after a failure.
   */
  readonly ready = (): Promise<void> =>
    (this.warm ??= this.pool.run({ kind: 'compact', document: WARM_UP }).then(
      () => undefined,
      () => {
        this.warm = undefined;
      },
    ));

  /** Stops the workers (server shutdown). */
  async close(): Promise<void> {
    await this.started?.close({ force: true });
    this.started = undefined;
    this.warm = undefined;
  }

  private async run(task: ProofTask, signal?: AbortSignal): Promise<ProofTaskAnswer> {
    if (signal?.aborted) throw new CheckOutOfTime();
    if (this.pool.queueSize >= this.pool.options.maxQueue) throw new CheckersBusy();
    try {
      return await this.pool.run(task, { signal });
    } catch (error) {
      if (signal?.aborted) throw new CheckOutOfTime();
      if ((error as { code?: unknown } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY')
        throw new CheckOutOfTime();
      throw error;
    }
  }
}

/**
 * The documents a proof check loads besides contexts: each proof's verification method and that
 * key's controller, looked up with the caller's loader (our database). One that cannot be found is
 * left out, and the check in the worker reports it as it would here.
 */
async function documentsNamedBy(
  document: JsonLdObject,
  documentLoader: DocumentLoader,
): Promise<Record<string, JsonLdObject>> {
  const documents: Record<string, JsonLdObject> = {};
  const add = async (url: string | undefined) => {
    if (!url || Object.hasOwn(documents, url)) return undefined;
    try {
      return (documents[url] = (await documentLoader(url)).document);
    } catch {
      return undefined;
    }
  };
  for (const proof of valuesOf(document.proof).filter(isJsonObject).slice(0, 4)) {
    const key = await add(idOf(proof.verificationMethod));
    await add(idOf(key?.controller));
  }
  return documents;
}

let shared: ProofPool | undefined;

/** One pool per process, shared by every verification service in it. */
export function sharedProofPool(threads: number): ProofPool {
  return (shared ??= new ProofPool(threads));
}
