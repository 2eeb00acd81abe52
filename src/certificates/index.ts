import type { Config } from '../config';
import type { Curriculum } from '../curriculum/curriculum.types';
import type { CompletionHooks } from '../curriculum/progress.service';
import { CertificatesService } from './certificates.service';
import { IssuerKeysService, issuerProfile } from './issuer-keys.service';
import { keyWrapFor } from './key-wrap';
import { StatusListsService } from './status-lists.service';
import { VerificationService } from './verification.service';

export type CertificateServices = ReturnType<typeof createCertificateServices>;

/** The certificate feature's services, wired once (the app and the tests use the same wiring). */
export function createCertificateServices(
  config: Pick<Config, 'baseUrl' | 'issuerName' | 'issuerKeySecret' | 'dataDir'>,
  curriculum: () => Curriculum,
) {
  const keys = new IssuerKeysService(issuerProfile(config), keyWrapFor(config));
  const lists = new StatusListsService(keys, config.baseUrl);
  const certificates = new CertificatesService(curriculum, keys, lists, config.baseUrl);
  const verification = new VerificationService(keys, lists);
  /** Completing a track issues its certificate; a certificate freezes the track's completions. */
  const hooks: CompletionHooks = {
    afterCompletion: async (manager, userId, trackId) => {
      await certificates.issueIfEligible(manager, userId, trackId);
    },
    completionsAreLocked: (manager, userId, trackId) =>
      certificates.holdsCertificate(manager, userId, trackId),
  };
  return { keys, lists, certificates, verification, hooks };
}
