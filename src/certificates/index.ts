import type { Config } from '../config';
import type { Curriculum } from '../curriculum/curriculum.types';
import type { CompletionHooks } from '../curriculum/progress.service';
import { BadgeImages } from './badges/badge-images';
import { CertificatesService } from './certificates.service';
import { IssuerKeysService } from './issuer-keys.service';
import { sharedProofPool } from './proof-pool';
import { ProofResults } from './proof-results';
import { StatusListsService } from './status-lists.service';
import { VerificationService } from './verification.service';
import { missingTiers } from './tiers';

export type CertificateServices = ReturnType<typeof createCertificateServices>;

/** The certificate feature's services, wired once (the app and the tests use the same wiring). */
export function createCertificateServices(
  config: Pick<
    Config,
    'baseUrl' | 'issuerName' | 'verifyLimits' | 'verifyWorkerThreads' | 'issuerKeySecret' | 'dataDir'
  > &
    Partial<Pick<Config, 'issuerEmail' | 'issuerLogoUrl'>>,
  curriculum: () => Curriculum,
) {
  const keys = IssuerKeysService.forConfig(config);
  const lists = new StatusListsService(keys, config.baseUrl);
  const certificates = new CertificatesService(curriculum, keys, lists, config.baseUrl);
  // The JSON-LD work of verifying runs in a worker pool, within a time budget per check.
  const pool = sharedProofPool(config.verifyWorkerThreads);
  const verification = new VerificationService(
    keys,
    lists,
    new ProofResults(pool.verifyProof, pool.compact),
    { timeBudgetMs: config.verifyLimits.timeBudgetMs, ready: pool.ready },
  );
  const badges = new BadgeImages(config.issuerName);
  /** Completing a track issues its certificate; a certificate freezes the track's completions. */
  const hooks: CompletionHooks = {
    afterCompletion: async (manager, userId, trackId) => {
      await certificates.issueIfEligible(manager, userId, trackId);
    },
    completionsAreLocked: (manager, userId, trackId) =>
      certificates.holdsCertificate(manager, userId, trackId),
    missingTiers: (manager, userId, track) => missingTiers(manager, userId, track, curriculum()),
  };
  return { keys, lists, certificates, verification, badges, hooks };
}
