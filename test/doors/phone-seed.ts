import type { EntityManager } from 'typeorm';
import { hashToken, hoursFromNow } from '../../src/accounts/tokens';
import { Introduction, JoinRequest, PartnerRequest } from '../../src/doors/door.entities';

/** Known tokens (stored hashed, like the app stores them) for the phone suite's open-doors pages. */
const TOKENS = {
  joinConfirmToken: 'phone-join-confirm-token-000000000000000000',
  partnerConfirmToken: 'phone-partner-confirm-token-000000000000000',
  partnerStatusToken: 'phone-partner-status-token-0000000000000000',
  introductionToken: 'phone-introduction-partner-token-00000000000',
};

export type DoorsPhoneData = typeof TOKENS & { joinRequestId: string; partnerRequestId: string };

/**
 * A confirmed join request and partner request (with a move, a long note and an introduction to
 * `memberId`) in `chapterId`, plus an unconfirmed one of each, for the phone suite.
 */
export async function seedDoorsPages(
  db: EntityManager,
  { chapterId, memberId, adminId }: { chapterId: string; memberId: string; adminId: string },
): Promise<DoorsPhoneData> {
  const expires = hoursFromNow(48);
  const join = await db.save(
    db.create(JoinRequest, {
      name: 'Nia Newcomer-Longname',
      email: 'nia.newcomer.with.a.rather.long.address@example.org',
      stateCode: 'MA',
      intent: 'start',
      note: 'I ran a mapping meetup for three years; https://maps.example.org/a/very/long/link/to/our/notes',
      confirmExpiresAt: expires,
      confirmedAt: new Date(),
      chapterId,
    }),
  );
  await db.insert(JoinRequest, {
    name: 'Unconfirmed',
    email: 'unconfirmed@example.org',
    stateCode: 'MA',
    intent: 'join',
    confirmTokenHash: hashToken(TOKENS.joinConfirmToken),
    confirmExpiresAt: expires,
  });
  const partner = await db.save(
    db.create(PartnerRequest, {
      organisation: 'Department of Neighbourhood Development',
      contactName: 'Pat Partner',
      contactEmail: 'pat.partner@city.example',
      kind: 'government',
      need: 'Residents cannot find which permits they need; we would like advice and maybe a small project.',
      deadline: '2027-06-30',
      confirmExpiresAt: expires,
      confirmedAt: new Date(),
      chapterId,
      status: 'talking',
      statusTokenHash: hashToken(TOKENS.partnerStatusToken),
    }),
  );
  await db.query(
    `INSERT INTO partner_request_transitions (request_id, from_status, to_status, note_for_partner, internal_note, actor_id)
     VALUES ($1, 'new', 'talking', 'We would love to meet: https://calendar.example.org/a/very/long/booking/link', 'Budget unclear', $2)`,
    [partner.id, adminId],
  );
  await db.insert(PartnerRequest, {
    organisation: 'Unconfirmed Org',
    contactName: 'U',
    contactEmail: 'u@example.org',
    kind: 'other',
    need: 'x',
    confirmTokenHash: hashToken(TOKENS.partnerConfirmToken),
    confirmExpiresAt: expires,
  });
  await db.insert(Introduction, {
    requestId: partner.id,
    userId: memberId,
    introducedById: adminId,
    partnerTokenHash: hashToken(TOKENS.introductionToken),
    personTokenHash: hashToken(`${TOKENS.introductionToken}-person`),
    message: 'You two should talk.',
  });
  return { ...TOKENS, joinRequestId: join.id, partnerRequestId: partner.id };
}
