import { verifyProof } from '../../src/certificates/credentials';
import { ProofResults } from '../../src/certificates/proof-results';
import { VERIFICATION_CACHE_MS, VerificationService } from '../../src/certificates/verification.service';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { certificateKit } from './kit';

describe('verification results', () => {
  let t: TestApp;
  let credential: Record<string, unknown>;
  let kit: ReturnType<typeof certificateKit>;

  beforeAll(async () => {
    t = await startTestApp();
    kit = certificateKit(t);
    const holder = await createUser(t.dataSource.manager);
    credential = (await kit.certify(holder.id)).credential;
  });
  afterAll(() => t.close());

  /** How often the issuer key is looked up (once per real signature check) while `action` runs. */
  async function keyLookupsDuring(action: (service: VerificationService) => Promise<unknown>) {
    const spy = jest.spyOn(kit.keys, 'didDocument');
    try {
      await action(new VerificationService(kit.keys, kit.lists));
      return spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
  }

  it('checks a credential requested many times at once only once, and all get its result', async () => {
    const manager = t.dataSource.manager;
    const once = await keyLookupsDuring(async (service) => {
      expect((await service.verify(manager, credential)).verified).toBe(true);
    });
    expect(once).toBeGreaterThan(0);
    const together = await keyLookupsDuring(async (service) => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => service.verify(manager, credential)),
      );
      expect(results.every((r) => r.verified)).toBe(true);
      expect(new Set(results).size).toBe(1);
    });
    expect(together).toBe(once);
  });

  it('reads the issuer document and the status list once per check, though the check asks for them again', async () => {
    const manager = t.dataSource.manager;
    const issuerReads = jest.spyOn(kit.keys, 'didDocument');
    const listReads = jest.spyOn(kit.lists, 'credential');
    try {
      const result = await new VerificationService(kit.keys, kit.lists).verify(manager, credential);
      expect(result.verified).toBe(true);
      expect(result.checks.map((check) => check.passed)).toEqual([true, true, true, true, true]);
      expect(issuerReads).toHaveBeenCalledTimes(1);
      expect(listReads).toHaveBeenCalledTimes(1);
    } finally {
      issuerReads.mockRestore();
      listReads.mockRestore();
    }
  });

  it('re-checks an expired result without redoing the JSON-LD proofs, and still sees a revocation at once', async () => {
    const manager = t.dataSource.manager;
    const proofsChecked: string[] = [];
    const service = new VerificationService(
      kit.keys,
      kit.lists,
      new ProofResults((document, loader) => {
        proofsChecked.push(String(document.type));
        return verifyProof(document, loader);
      }),
    );
    const holder = await createUser(manager);
    const certificate = await kit.certify(holder.id);

    expect((await service.verify(manager, certificate.credential)).verified).toBe(true);
    expect(proofsChecked).toHaveLength(2); // the credential's and its status list's
    const aMinuteLater = Date.now() + VERIFICATION_CACHE_MS + 1_000;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(aMinuteLater);
    try {
      const again = await service.verify(manager, certificate.credential);
      expect(again.verified).toBe(true);
      expect(again.checks.map((check) => check.passed)).toEqual([true, true, true, true, true]);
      expect(proofsChecked).toHaveLength(2);
    } finally {
      clock.mockRestore();
    }

    const admin = await createUser(manager, { role: 'admin' });
    await t.dataSource.transaction((m) =>
      kit.certificates.revoke(m, { ...admin, scopeChapterId: null }, certificate.id, 'Test revocation'),
    );
    const revoked = await service.verify(manager, certificate.credential);
    expect(revoked.verified).toBe(false);
    expect(revoked.checks.find((check) => check.check === 'status')?.passed).toBe(false);
    expect(proofsChecked).toHaveLength(3); // the new list's proof, checked for real
  });

  it('answers a database failure with an error, not "not verified", and keeps nothing', async () => {
    const manager = t.dataSource.manager;
    const service = new VerificationService(kit.keys, kit.lists);
    const outage = jest.spyOn(kit.keys, 'didDocument').mockRejectedValueOnce(new Error('database gone'));
    await expect(service.verify(manager, credential)).rejects.toThrow('database gone');
    outage.mockRestore();
    expect((await service.verify(manager, credential)).verified).toBe(true);
  });
});
