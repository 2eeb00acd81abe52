import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { assertAdmin, assertInScope, assertNotSubject, assertSignedIn } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { User } from '../accounts/user.entity';
import { recordAudit } from '../audit/audit';
import type { Curriculum, CurriculumTrack } from '../curriculum/curriculum.types';
import { lockTrackFor } from '../curriculum/progress.service';
import { preparedRead } from '../db/prepared-read';
import { Conflict, NotFound } from '../web/errors';
import { Certificate } from './certificate.entities';
import {
  buildOpenBadgeCredential,
  createDocumentLoader,
  createIdentitySalt,
  signCredential,
  type DocumentLoader,
} from './credentials';
import { badgeUrl } from './badges/badge-images';
import { announceCertificate, announceRevocation } from './celebration';
import { evidenceFor, missingMilestones } from './evidence';
import type { IssuerKeysService } from './issuer-keys.service';
import type { StatusListsService } from './status-lists.service';
import { dependentTracks, missingTiers, prerequisiteEvidence } from './tiers';

const SELF = 'You cannot issue, re-issue or revoke your own certificates; another admin can.';

/** Signing only needs the bundled contexts. */
const contextsOnly: DocumentLoader = createDocumentLoader(() => Promise.resolve(null));

/** The holder's name as the signed credential states it. */
export function nameOnCredential(credential: Record<string, unknown>): string {
  const subject = credential.credentialSubject as { name?: unknown } | undefined;
  return typeof subject?.name === 'string' ? subject.name : '';
}

export type CertificateState = 'valid' | 'expired' | 'revoked' | 'superseded';

export function stateOf(
  certificate: Pick<Certificate, 'revokedAt' | 'supersededAt' | 'validUntil'>,
  now = new Date(),
): CertificateState {
  if (certificate.revokedAt) return 'revoked';
  if (certificate.supersededAt) return 'superseded';
  if (certificate.validUntil && certificate.validUntil <= now) return 'expired';
  return 'valid';
}

export type RecheckOutcome =
  | { trackId: string; trackTitle: string; result: 'issued' | 'held'; certificate: Certificate }
  | { trackId: string; trackTitle: string; result: 'incomplete'; missing: string[] };

function addMonths(date: Date, months: number): Date {
  const result = new Date(date);
  result.setUTCMonth(result.getUTCMonth() + months);
  return result;
}

interface PublicCertificateRow {
  id: string;
  code: string;
  track_id: string;
  hidden: boolean;
  credential_hash: string;
  awarded_at: Date;
  valid_until: Date | null;
  revoked_at: Date | null;
  revoked_reason: string | null;
  superseded_at: Date | null;
  superseded_by_code: string | null;
  holder_name: string;
  status_versions: string | null;
}

/** A public certificate without its credential: enough for its status, and to key caches. */
export interface PublicCertificateSummary {
  id: string;
  code: string;
  trackId: string;
  holderName: string;
  credentialHash: string;
  awardedAt: Date;
  validUntil: Date | null;
  revokedAt: Date | null;
  revokedReason: string | null;
  supersededAt: Date | null;
  supersededBy: { code: string } | null;
  statusVersions: string;
}

/**
 * Issues, re-issues and revokes Open Badges 3.0 certificates. Issuing happens only through
 * issueIfEligible, called by the progress hook in the transaction that completes a track.
 */
export class CertificatesService {
  constructor(
    private readonly curriculum: () => Curriculum,
    private readonly keys: IssuerKeysService,
    private readonly lists: StatusListsService,
    private readonly baseUrl: string,
  ) {}

  urlOf(code: string): string {
    return `${this.baseUrl}/c/${code}`;
  }

  private track(trackId: string): CurriculumTrack {
    const track = this.curriculum().trackById.get(trackId);
    if (!track) throw new NotFound(`There is no track "${trackId}".`);
    return track;
  }

  /** The person's current (not superseded) certificate for a track, if any. */
  async current(manager: EntityManager, userId: string, trackId: string): Promise<Certificate | null> {
    return manager
      .createQueryBuilder(Certificate, 'c')
      .where('c.user_id = :userId AND c.track_id = :trackId AND c.superseded_at IS NULL', { userId, trackId })
      .getOne();
  }

  /**
   * Issues the track's certificate when every milestone is complete, exactly once: a per-person
   * advisory lock serialises concurrent completions (from any process) and a partial unique index
   * backs it up. Returns null when the track is not complete. Call inside a transaction.
   */
  async issueIfEligible(
    manager: EntityManager,
    userId: string,
    trackId: string,
  ): Promise<{ certificate: Certificate; created: boolean } | null> {
    const track = this.curriculum().trackById.get(trackId);
    if (!track) return null;
    await lockTrackFor(manager, userId, trackId);
    const existing = await this.current(manager, userId, trackId);
    if (existing) return { certificate: existing, created: false };
    if ((await missingMilestones(manager, userId, track)).length) return null;
    // A later tier is issued only while the certificates of the tiers it requires are in force.
    if ((await missingTiers(manager, userId, track, this.curriculum())).length) return null;
    const holder = await manager.findOneByOrFail(User, { id: userId });
    const certificate = await this.sign(manager, holder, track, new Date());
    await recordAudit(manager, {
      actorId: null,
      action: 'certificate.issued',
      subjectType: 'certificate',
      subjectId: certificate.id,
      details: { userId, trackId },
    });
    await announceCertificate(manager, this.baseUrl, holder, certificate, track.certificateName);
    // Earning a tier can complete the next one, when its milestones were done first.
    for (const next of dependentTracks(this.curriculum(), track.id))
      await this.issueIfEligible(manager, userId, next.id);
    return { certificate, created: true };
  }

  private async sign(
    manager: EntityManager,
    holder: User,
    track: CurriculumTrack,
    awardedAt: Date,
  ): Promise<Certificate> {
    const code = randomBytes(16).toString('base64url');
    const slot = await this.lists.takeSlot(manager);
    const validUntil = track.validityMonths ? addMonths(awardedAt, track.validityMonths) : undefined;
    const unsigned = buildOpenBadgeCredential({
      credentialUrl: this.urlOf(code),
      issuer: this.keys.issuer,
      holder: { name: holder.displayName, email: holder.email, salt: createIdentitySalt() },
      track: {
        id: `${this.baseUrl}/tracks/${track.id}`,
        name: track.certificateName,
        description: track.summary,
        criteriaNarrative: track.criteria,
        version: track.version,
        imageUrl: badgeUrl(this.baseUrl, track.id),
      },
      awardedAt,
      validUntil,
      evidence: [
        ...(await prerequisiteEvidence(manager, holder.id, track, this.curriculum(), (c) => this.urlOf(c))),
        ...(await evidenceFor(manager, holder.id, track, this.baseUrl)),
      ],
      status: { listUrl: this.lists.listUrl(slot.listId), index: slot.index },
    });
    const credential = (await signCredential(
      unsigned,
      await this.keys.signingKey(manager),
      contextsOnly,
    )) as unknown as Record<string, unknown>;
    return manager.save(
      manager.create(Certificate, {
        code,
        userId: holder.id,
        trackId: track.id,
        credential,
        credentialHash: createHash('sha256').update(JSON.stringify(credential)).digest('hex'),
        curriculumVersion: track.version,
        awardedAt,
        validUntil: validUntil ?? null,
        statusListId: slot.listId,
        statusIndex: slot.index,
      }),
    );
  }

  /** Admins: issue every certificate the person has earned but does not hold; say what is missing. */
  async recheck(
    manager: EntityManager,
    actor: SessionUser | undefined,
    userId: string,
  ): Promise<RecheckOutcome[]> {
    const admin = assertAdmin(actor);
    const person = await manager.findOne(User, { where: { id: userId } });
    if (!person) throw new NotFound('That person does not exist.');
    assertInScope(admin, person.chapterId, 'That person');
    assertNotSubject(admin, userId, SELF);
    const outcomes: RecheckOutcome[] = [];
    for (const track of this.curriculum().tracks) {
      const issued = await this.issueIfEligible(manager, userId, track.id);
      if (issued) {
        outcomes.push({
          trackId: track.id,
          trackTitle: track.title,
          result: issued.created ? 'issued' : 'held',
          certificate: issued.certificate,
        });
      } else {
        outcomes.push({
          trackId: track.id,
          trackTitle: track.title,
          result: 'incomplete',
          missing: [
            ...(await missingMilestones(manager, userId, track)),
            ...(await missingTiers(manager, userId, track, this.curriculum())).map(
              (required) => `the ${required.certificateName} certificate`,
            ),
          ],
        });
      }
    }
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'certificate.rechecked',
      subjectType: 'user',
      subjectId: userId,
      details: { issued: outcomes.filter((o) => o.result === 'issued').map((o) => o.trackId) },
    });
    return outcomes;
  }

  /**
   * Admins: a fresh credential (e.g. after a name change) that supersedes the old one and keeps its
   * award date. The old one's status bit is set so verifiers stop accepting it.
   */
  async reissue(
    manager: EntityManager,
    actor: SessionUser | undefined,
    certificateId: string,
  ): Promise<Certificate> {
    const admin = assertAdmin(actor);
    const old = await this.lockCertificate(manager, admin, certificateId);
    assertNotSubject(admin, old.userId, SELF);
    return this.replace(manager, admin.id, old);
  }

  /**
   * Holders: after a name change, a fresh credential with the new name, keeping the award date
   * (as reissue). Throws NotFound for anyone else's certificate, Conflict when the name is the same.
   */
  async reissueWithCurrentName(
    manager: EntityManager,
    actor: SessionUser | undefined,
    certificateId: string,
  ): Promise<Certificate> {
    const holder = assertSignedIn(actor);
    const old = await manager.findOne(Certificate, {
      where: { id: certificateId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!old || old.userId !== holder.id) throw new NotFound('That certificate does not exist.');
    const person = await manager.findOneByOrFail(User, { id: holder.id });
    if (nameOnCredential(old.credential) === person.displayName)
      throw new Conflict('This certificate already carries your current name.');
    return this.replace(manager, holder.id, old);
  }

  private async replace(manager: EntityManager, actorId: string, old: Certificate): Promise<Certificate> {
    if (old.supersededAt)
      throw new Conflict('This certificate was already superseded; re-issue the newest one.');
    if (old.revokedAt) throw new Conflict('A revoked certificate cannot be re-issued.');
    const track = this.track(old.trackId);
    await lockTrackFor(manager, old.userId, old.trackId);
    await manager.update(Certificate, old.id, { supersededAt: new Date() });
    const holder = await manager.findOneByOrFail(User, { id: old.userId });
    const replacement = await this.sign(manager, holder, track, old.awardedAt);
    await manager.update(Certificate, old.id, { supersededById: replacement.id });
    // The holder was congratulated on the first one; a re-issue is not a new achievement.
    await manager.update(Certificate, replacement.id, { celebratedAt: new Date() });
    // A hidden certificate stays hidden in every version.
    if (old.hidden) {
      await manager.update(Certificate, replacement.id, { hidden: true });
      replacement.hidden = true;
    }
    await this.lists.publish(manager, old.statusListId, contextsOnly);
    await recordAudit(manager, {
      actorId,
      action: 'certificate.reissued',
      subjectType: 'certificate',
      subjectId: replacement.id,
      details: { supersedes: old.id, userId: old.userId, trackId: old.trackId },
    });
    return replacement;
  }

  /**
   * Admins: revoke with a reason; the status list is re-signed in the same transaction. Throws
   * Conflict for a certificate already revoked or superseded (revoke the newest one).
   */
  async revoke(
    manager: EntityManager,
    actor: SessionUser | undefined,
    certificateId: string,
    reason: string,
  ): Promise<Certificate> {
    const admin = assertAdmin(actor);
    const certificate = await this.lockCertificate(manager, admin, certificateId);
    assertNotSubject(admin, certificate.userId, SELF);
    if (certificate.revokedAt) throw new Conflict('This certificate is already revoked.');
    // A re-issue that won the row lock first left a valid replacement: revoking only this one would
    // tell the admin "revoked" while the person still holds a certificate in force.
    if (certificate.supersededAt)
      throw new Conflict('This certificate was superseded by a newer one; revoke the newest one instead.');
    await manager.update(Certificate, certificate.id, { revokedAt: new Date(), revokedReason: reason });
    await this.lists.publish(manager, certificate.statusListId, contextsOnly);
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'certificate.revoked',
      subjectType: 'certificate',
      subjectId: certificate.id,
      details: { reason, userId: certificate.userId, trackId: certificate.trackId },
    });
    await announceRevocation(manager, this.baseUrl, certificate, this.track(certificate.trackId), reason);
    return manager.findOneByOrFail(Certificate, { id: certificate.id });
  }

  /** Holders hide or show their public page: every version of that track's certificate at once. */
  async setHidden(
    manager: EntityManager,
    actor: SessionUser | undefined,
    certificateId: string,
    hidden: boolean,
  ): Promise<void> {
    const holder = assertSignedIn(actor);
    const certificate = await manager.findOneBy(Certificate, { id: certificateId });
    if (!certificate || certificate.userId !== holder.id)
      throw new NotFound('That certificate does not exist.');
    // Every version (superseded ones included) shares the holder's choice: none stays public.
    await manager.update(Certificate, { userId: holder.id, trackId: certificate.trackId }, { hidden });
    await recordAudit(manager, {
      actorId: holder.id,
      action: hidden ? 'certificate.hidden' : 'certificate.shown',
      subjectType: 'certificate',
      subjectId: certificate.id,
    });
  }

  /** A person's certificates, newest first, with how often each was viewed or checked. */
  async ofPerson(
    manager: EntityManager,
    actor: SessionUser | undefined,
    userId: string,
  ): Promise<{ certificate: Certificate; verifications: number }[]> {
    const viewer = assertSignedIn(actor);
    if (viewer.id !== userId) await this.assertHolderInScope(manager, assertAdmin(viewer), userId);
    const rows = await manager
      .createQueryBuilder(Certificate, 'c')
      .where('c.user_id = :userId', { userId })
      .orderBy('c.issued_at', 'DESC')
      .getMany();
    const counts = await manager.query<{ certificate_id: string; total: number }[]>(
      `SELECT certificate_id, sum(count)::int AS total FROM certificate_verifications
        WHERE certificate_id = ANY($1) GROUP BY certificate_id`,
      [rows.map((r) => r.id)],
    );
    const totals = new Map(counts.map((c) => [c.certificate_id, c.total]));
    return rows.map((certificate) => ({ certificate, verifications: totals.get(certificate.id) ?? 0 }));
  }

  /** The public view of a code. Unknown and hidden certificates give the same NotFound. */
  async byCode(manager: EntityManager, code: string): Promise<Certificate & { holderName: string }> {
    const certificate = /^[A-Za-z0-9_-]{22,64}$/.test(code)
      ? await manager.findOne(Certificate, { where: { code }, relations: { user: true, supersededBy: true } })
      : null;
    if (!certificate || certificate.hidden)
      throw new NotFound('There is no public certificate at this address.');
    return Object.assign(certificate, { holderName: certificate.user!.displayName });
  }

  /**
   * What a public certificate page or JSON request needs to decide what to send, in one query and
   * without the credential itself (callers cache the rendered page or JSON by `credentialHash`).
   * `statusVersions` is every status list's version, as the verification cache keys them. Unknown
   * and hidden certificates give the same NotFound as byCode.
   */
  async publicSummary(manager: EntityManager, code: string): Promise<PublicCertificateSummary> {
    const [row] = /^[A-Za-z0-9_-]{22,64}$/.test(code)
      ? await preparedRead<PublicCertificateRow>(
          manager,
          'certificates-public-summary',
          `SELECT c.id, c.code, c.track_id, c.hidden, c.credential_hash, c.awarded_at, c.valid_until,
                  c.revoked_at, c.revoked_reason, c.superseded_at, s.code AS superseded_by_code,
                  u.display_name AS holder_name,
                  (SELECT string_agg(l.id || '.' || l.version, ',' ORDER BY l.id) FROM status_lists l) AS status_versions
             FROM certificates c
             JOIN users u ON u.id = c.user_id
             LEFT JOIN certificates s ON s.id = c.superseded_by_id
            WHERE c.code = $1`,
          [code],
        )
      : [];
    if (!row || row.hidden) throw new NotFound('There is no public certificate at this address.');
    return {
      id: row.id,
      code: row.code,
      trackId: row.track_id,
      holderName: row.holder_name,
      credentialHash: row.credential_hash,
      awardedAt: row.awarded_at,
      validUntil: row.valid_until,
      revokedAt: row.revoked_at,
      revokedReason: row.revoked_reason,
      supersededAt: row.superseded_at,
      supersededBy: row.superseded_by_code ? { code: row.superseded_by_code } : null,
      statusVersions: row.status_versions ?? '',
    };
  }

  /** The signed credential of a certificate, as stored. */
  async credentialOf(manager: EntityManager, certificateId: string): Promise<Record<string, unknown>> {
    const [row] = await manager.query<{ credential: Record<string, unknown> }[]>(
      'SELECT credential FROM certificates WHERE id = $1',
      [certificateId],
    );
    if (!row) throw new NotFound('There is no public certificate at this address.');
    return row.credential;
  }

  /** The id of our certificate whose URL the pasted credential carries (for counting checks), if any. */
  /** Our certificate a credential names by its id (with the code of the one that superseded it), if any. */
  async findByCredential(
    manager: EntityManager,
    credential: unknown,
  ): Promise<{ id: string; supersededByCode: string | null } | null> {
    const id = (credential as { id?: unknown } | null)?.id;
    const prefix = `${this.baseUrl}/c/`;
    if (typeof id !== 'string' || !id.startsWith(prefix)) return null;
    const code = id.slice(prefix.length);
    if (!/^[A-Za-z0-9_-]{22,64}$/.test(code)) return null;
    const [row] = await preparedRead<{ id: string; superseded_by_code: string | null }>(
      manager,
      'certificates-id-and-successor-by-code',
      `SELECT c.id, s.code AS superseded_by_code FROM certificates c
         LEFT JOIN certificates s ON s.id = c.superseded_by_id WHERE c.code = $1`,
      [code],
    );
    return row ? { id: row.id, supersededByCode: row.superseded_by_code } : null;
  }

  async byId(
    manager: EntityManager,
    actor: SessionUser | undefined,
    certificateId: string,
  ): Promise<Certificate> {
    const admin = assertAdmin(actor);
    const certificate = await manager.findOne(Certificate, {
      where: { id: certificateId },
      relations: { user: true },
    });
    if (!certificate) throw new NotFound('That certificate does not exist.');
    assertInScope(admin, certificate.user?.chapterId, 'That certificate');
    return certificate;
  }

  /** True when the person holds a current, unrevoked certificate for the track (completions then stay). */
  async holdsCertificate(manager: EntityManager, userId: string, trackId: string): Promise<boolean> {
    return manager
      .createQueryBuilder(Certificate, 'c')
      .where('c.user_id = :userId AND c.track_id = :trackId', { userId, trackId })
      .andWhere('c.superseded_at IS NULL AND c.revoked_at IS NULL')
      .getExists();
  }

  private async lockCertificate(
    manager: EntityManager,
    admin: SessionUser,
    certificateId: string,
  ): Promise<Certificate> {
    const certificate = await manager.findOne(Certificate, {
      where: { id: certificateId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!certificate) throw new NotFound('That certificate does not exist.');
    await this.assertHolderInScope(manager, admin, certificate.userId);
    return certificate;
  }

  private async assertHolderInScope(
    manager: EntityManager,
    admin: SessionUser,
    userId: string,
  ): Promise<void> {
    const holder = await manager.findOne(User, { where: { id: userId }, select: { chapterId: true } });
    assertInScope(admin, holder?.chapterId, 'That certificate');
  }
}
