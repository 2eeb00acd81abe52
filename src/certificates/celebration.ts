import type { EntityManager } from 'typeorm';
import { assertSignedIn } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import type { Curriculum, CurriculumTrack } from '../curriculum/curriculum.types';
import { User } from '../accounts/user.entity';
import { notify, type Recipient } from '../notifications/notify';
import type { Certificate } from './certificate.entities';
import { linkedInUrl } from './linkedin';

/** Tells the holder that a certificate was issued: a notification and (as they chose) an email with the share link. */
export async function announceCertificate(
  manager: EntityManager,
  baseUrl: string,
  holder: Recipient,
  certificate: Pick<Certificate, 'code'>,
  certificateName: string,
): Promise<void> {
  const shareLink = `${baseUrl}/c/${certificate.code}`;
  await notify(manager, baseUrl, {
    to: holder,
    kind: 'certificates',
    title: `You earned it: ${certificateName}`,
    body: `Your certificate “${certificateName}” was issued. Anyone can check it at ${shareLink}`,
    link: '/me',
    emailText: `Hello ${holder.displayName},\n\nCongratulations: you earned “${certificateName}”.\n\nShare your certificate with this link (anyone can check it there, and download the PDF):\n\n${shareLink}\n\nYour progress and the certificate: ${baseUrl}/me\n`,
  });
}

/** Tells the holder that an admin revoked their certificate, and why. */
export async function announceRevocation(
  manager: EntityManager,
  baseUrl: string,
  certificate: Pick<Certificate, 'userId'>,
  track: Pick<CurriculumTrack, 'certificateName'>,
  reason: string,
): Promise<void> {
  const holder = await manager.findOneByOrFail(User, { id: certificate.userId });
  await notify(manager, baseUrl, {
    to: holder,
    kind: 'certificates',
    title: `Certificate revoked: ${track.certificateName}`,
    body: `An admin revoked your certificate “${track.certificateName}”. The reason given: ${reason}`,
    link: '/me/certificates',
  });
}

export interface Celebration {
  name: string;
  shareUrl: string;
  pdfUrl: string;
  linkedInUrl: string;
}

/**
 * The certificates the actor earned since their last visit to "Your progress", each returned once:
 * they are marked celebrated in the same statement, so two tabs never both congratulate.
 */
export async function takeCelebrations(
  manager: EntityManager,
  actor: SessionUser | undefined,
  curriculum: Curriculum,
  baseUrl: string,
  issuerName: string,
): Promise<Celebration[]> {
  const person = assertSignedIn(actor);
  const [rows] = await manager.query<
    [{ code: string; track_id: string; awarded_at: Date; valid_until: Date | null }[], number]
  >(
    `UPDATE certificates SET celebrated_at = now()
      WHERE user_id = $1 AND celebrated_at IS NULL AND superseded_at IS NULL AND revoked_at IS NULL
      RETURNING code, track_id, awarded_at, valid_until`,
    [person.id],
  );
  return rows.map((row) => {
    const name = curriculum.trackById.get(row.track_id)?.certificateName ?? row.track_id;
    const shareUrl = `${baseUrl}/c/${row.code}`;
    return {
      name,
      shareUrl,
      pdfUrl: `/c/${row.code}/certificate.pdf`,
      linkedInUrl: linkedInUrl({
        name,
        organization: issuerName,
        issued: row.awarded_at,
        expires: row.valid_until,
        url: shareUrl,
        code: row.code,
      }),
    };
  });
}
