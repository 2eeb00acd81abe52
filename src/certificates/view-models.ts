import type { CredentialVerification } from './credentials';
import type { Certificate } from './certificate.entities';
import { stateOf } from './certificates.service';

interface CredentialClaims {
  name?: string;
  issuer?: { id?: string; name?: string; url?: string };
  validFrom?: string;
  validUntil?: string;
  credentialSubject?: {
    name?: string;
    achievement?: {
      id?: string;
      name?: string;
      description?: string;
      version?: string;
      criteria?: { narrative?: string };
    };
  };
  evidence?: { id?: string; name?: string; description?: string; genre?: string }[];
  proof?: ProofClaims | ProofClaims[];
}

interface ProofClaims {
  created?: string;
}

const CHECK_LABELS: Record<string, string> = {
  structure: 'Structure',
  'known-issuer-key': 'Issuer key',
  signature: 'Signature',
  status: 'Revocation status',
  'validity-period': 'Validity period',
};

// Built once: each formatter is an ICU object in native memory, freed only when V8 collects it.
const DAY_MONTH_YEAR = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

export function dateOnly(iso: string | Date | null | undefined): string | null {
  if (!iso) return null;
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  return Number.isNaN(date.getTime()) ? null : DAY_MONTH_YEAR.format(date);
}

function firstProof(proof: CredentialClaims['proof']): ProofClaims | undefined {
  return Array.isArray(proof) ? proof[0] : proof;
}

/** What the signed credential itself claims, for display (the page shows the claims, not our database). */
export function claimsOf(credential: unknown) {
  const c = (credential ?? {}) as CredentialClaims;
  const achievement = c.credentialSubject?.achievement ?? {};
  return {
    holder: c.credentialSubject?.name ?? '',
    achievementName: achievement.name ?? c.name ?? '',
    achievementDescription: achievement.description ?? '',
    criteria: achievement.criteria?.narrative ?? '',
    curriculumVersion: achievement.version ?? '',
    // The version names the curriculum as it stood when this credential was signed.
    curriculumDate: dateOnly(firstProof(c.proof)?.created),
    issuerName: c.issuer?.name ?? '',
    issuerUrl: c.issuer?.url ?? '',
    awarded: dateOnly(c.validFrom),
    expires: dateOnly(c.validUntil),
    evidence: (c.evidence ?? []).map((e) => ({
      name: e.name ?? '',
      description: e.description ?? '',
      kind: e.genre ?? '',
      url: e.id ?? null,
    })),
  };
}

export function checksView(verification: CredentialVerification) {
  return {
    verified: verification.verified,
    checks: verification.checks.map((c) => ({
      label: CHECK_LABELS[c.check] ?? c.check,
      passed: c.passed,
      reason: c.reason,
    })),
  };
}

const STATE_TEXT = {
  valid: 'Valid',
  expired: 'Expired',
  revoked: 'Revoked',
  superseded: 'Superseded',
} as const;

export function statusView(
  certificate: Pick<Certificate, 'revokedAt' | 'revokedReason' | 'supersededAt' | 'validUntil'> & {
    supersededBy?: Pick<Certificate, 'code'> | null;
  },
) {
  const state = stateOf(certificate);
  return {
    state,
    label: STATE_TEXT[state],
    revokedOn: dateOnly(certificate.revokedAt),
    revokedReason: certificate.revokedReason,
    expiredOn: state === 'expired' ? dateOnly(certificate.validUntil) : null,
    supersededByCode: certificate.supersededBy?.code ?? null,
  };
}
