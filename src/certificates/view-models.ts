import type { CredentialVerification } from './credentials';
import type { Certificate } from './certificate.entities';
import { stateOf } from './certificates.service';

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

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const object = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/** The first proof's object, whether `proof` is one object or an array of them. */
function firstProof(proof: unknown): Record<string, unknown> {
  return object(Array.isArray(proof) ? (proof as unknown[])[0] : proof);
}

/**
 * What the signed credential itself claims, for display (the page shows the claims, not our
 * database). Any JSON is accepted: a field of the wrong type reads as empty.
 */
export function claimsOf(credential: unknown) {
  const c = object(credential);
  const subject = object(c.credentialSubject);
  const achievement = object(subject.achievement);
  const issuer = object(c.issuer);
  return {
    holder: text(subject.name),
    achievementName: text(achievement.name) || text(c.name),
    achievementDescription: text(achievement.description),
    criteria: text(object(achievement.criteria).narrative),
    curriculumVersion: text(achievement.version),
    // The version names the curriculum as it stood when this credential was signed.
    curriculumDate: dateOnly(text(firstProof(c.proof).created)),
    issuerName: text(issuer.name),
    issuerUrl: text(issuer.url),
    awarded: dateOnly(text(c.validFrom)),
    expires: dateOnly(text(c.validUntil)),
    evidence: (Array.isArray(c.evidence) ? (c.evidence as unknown[]) : []).map((item) => {
      const e = object(item);
      return {
        name: text(e.name),
        description: text(e.description),
        kind: text(e.genre),
        url: text(e.id) || null,
      };
    }),
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
