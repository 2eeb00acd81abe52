import { CheckNotMade, verifyProof, type JsonLdObject } from '../../src/certificates/credentials';
import { CheckOutOfTime, ProofPool, sharedProofPool } from '../../src/certificates/proof-pool';
import { ProofResults } from '../../src/certificates/proof-results';
import { VerificationService } from '../../src/certificates/verification.service';
import { CouldNotCheckInTime } from '../../src/certificates/verify-limits';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { certificateKit } from './kit';

/** A genuine-looking credential with a great many evidence entries: costly to compact. */
function heavy(credential: JsonLdObject, entries: number): JsonLdObject {
  const evidence = Array.from({ length: entries }, (_, i) => ({
    id: `https://academy.test/evidence/${i}`,
    type: ['Evidence'],
    name: `Entry ${i}`,
    narrative: 'x'.repeat(40),
  }));
  return { ...credential, evidence };
}

describe('the proof pool: JSON-LD work in worker threads, within a time budget', () => {
  let t: TestApp;
  let kit: ReturnType<typeof certificateKit>;
  let credential: JsonLdObject;
  const pool = new ProofPool(1);

  beforeAll(async () => {
    t = await startTestApp();
    kit = certificateKit(t);
    credential = (await kit.certify((await createUser(t.dataSource.manager)).id)).credential;
    await pool.ready();
  });
  afterAll(async () => {
    await pool.close();
    await t.close();
  });

  it('gives the same answers in a worker as in the main thread, for genuine and tampered credentials', async () => {
    const loader = new VerificationService(kit.keys, kit.lists).documentLoader(t.dataSource.manager);
    expect(await pool.verifyProof(credential, loader)).toEqual({ verified: true });
    const tampered = { ...credential, name: 'Something else' };
    const inWorker = await pool.verifyProof(tampered, loader);
    expect(inWorker.verified).toBe(false);
    expect(inWorker).toEqual(await verifyProof(tampered, loader));
    expect(await pool.compact(credential, loader)).toMatchObject({
      id: credential.id,
      validFrom: credential.validFrom,
      credentialStatus: credential.credentialStatus,
    });
  });

  it('keeps the event loop free while a worker is busy, and abandons a task once its budget is spent', async () => {
    const costly = heavy(credential, 800);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    try {
      await pool.compact(costly, async () => Promise.reject(new Error('no loads')));
    } finally {
      clearInterval(ticker);
    }
    // The main thread kept running timers during the whole compaction.
    expect(ticks).toBeGreaterThan(0);

    const budget = AbortSignal.timeout(20);
    const refused = pool.compact(heavy(credential, 801), async () => Promise.reject(new Error('x')), budget);
    await expect(refused).rejects.toBeInstanceOf(CheckOutOfTime);
    await expect(refused).rejects.toBeInstanceOf(CheckNotMade);
    // The stopped worker is replaced: the pool still answers.
    const loader = new VerificationService(kit.keys, kit.lists).documentLoader(t.dataSource.manager);
    expect(await pool.verifyProof(credential, loader)).toEqual({ verified: true });
  });

  it('a check out of time is a CouldNotCheckInTime, and is not remembered as a verdict', async () => {
    let stall = true;
    const service = new VerificationService(
      kit.keys,
      kit.lists,
      new ProofResults((document, loader, signal) =>
        stall
          ? new Promise((_resolve, reject) =>
              signal?.addEventListener('abort', () => reject(new CheckOutOfTime())),
            )
          : verifyProof(document, loader),
      ),
      { timeBudgetMs: 3_000 },
    );
    await expect(service.verify(t.dataSource.manager, credential)).rejects.toBeInstanceOf(
      CouldNotCheckInTime,
    );
    stall = false;
    expect((await service.verify(t.dataSource.manager, credential)).verified).toBe(true);
  });

  it('the app shares one pool per process', () => {
    expect(sharedProofPool(2)).toBe(sharedProofPool(3));
  });
});
