import type { EntityManager } from 'typeorm';
import { User } from '../accounts/user.entity';
import { assertSignedIn } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { hashToken, newToken } from '../accounts/tokens';
import { recordAudit } from '../audit/audit';
import { mailText, queueEmail } from '../mail/outbox';
import { deliveryFor, notify } from '../notifications/notify';
import { Conflict, Gone, NotFound, ValidationFailed } from '../web/errors';
import { Introduction, PartnerRequest, type Answer } from './door.entities';
import type { PartnersService } from './partners.service';

export type Side = 'partner' | 'person';

/**
 * What one side of an introduction sees. `otherEmail` is null until BOTH have accepted: before
 * that, neither side's pages or emails carry the other's address.
 */
export interface IntroductionView {
  id: string;
  side: Side;
  organisation: string;
  contactName: string;
  need: string;
  personName: string;
  message: string;
  mine: Answer;
  theirs: Answer;
  state: 'waiting' | 'connected' | 'ended';
  otherEmail: string | null;
}

const LINK_DEAD = 'This introduction link does not work. Ask the chapter that introduced you.';

function stateOf(intro: Introduction): IntroductionView['state'] {
  if (intro.partnerAnswer === 'declined' || intro.personAnswer === 'declined') return 'ended';
  return intro.partnerAnswer === 'accepted' && intro.personAnswer === 'accepted' ? 'connected' : 'waiting';
}

function viewFor(side: Side, intro: Introduction, request: PartnerRequest, person: User): IntroductionView {
  const state = stateOf(intro);
  return {
    id: intro.id,
    side,
    organisation: request.organisation,
    contactName: request.contactName,
    need: request.need,
    personName: person.displayName,
    message: intro.message,
    mine: side === 'partner' ? intro.partnerAnswer : intro.personAnswer,
    theirs: side === 'partner' ? intro.personAnswer : intro.partnerAnswer,
    state,
    otherEmail: state !== 'connected' ? null : side === 'partner' ? person.email : request.contactEmail,
  };
}

/** Introductions between a partner request and a member: double opt-in, every step audited. */
export class IntroductionsService {
  constructor(
    private readonly baseUrl: string,
    private readonly partners: PartnersService,
  ) {}

  /**
   * Introduces the request to `userId`, an active member of the request's chapter (any active
   * member for requests of no chapter). Emails the partner and tells the person (kind
   * `introductions`), each with their own answer link and without the other's address.
   */
  async introduce(
    manager: EntityManager,
    actor: SessionUser | undefined,
    requestId: string,
    input: { userId: string; message: string },
  ): Promise<void> {
    const { admin, request } = await this.partners.inScope(manager, actor, requestId, true);
    if (request.status === 'declined' || request.status === 'done')
      throw new Conflict('This request is closed; reopen talks before introducing anyone.');
    const person = await manager.findOneBy(User, { id: input.userId, active: true });
    if (!person || (request.chapterId && person.chapterId !== request.chapterId))
      throw new ValidationFailed({ userId: 'Choose a member of the chapter this request belongs to.' });
    if (await manager.existsBy(Introduction, { requestId, userId: person.id }))
      throw new Conflict('This person was already introduced to this request.', {
        userId: 'Already introduced to this request.',
      });
    const partnerLink = newToken();
    const personLink = newToken();
    const intro = await manager.save(
      manager.create(Introduction, {
        requestId,
        userId: person.id,
        introducedById: admin.id,
        partnerTokenHash: partnerLink.tokenHash,
        personTokenHash: personLink.tokenHash,
        message: input.message,
      }),
    );
    const note = input.message ? `\n${admin.displayName} wrote: ${input.message}\n` : '';
    await queueEmail(manager, {
      to: request.contactEmail,
      subject: mailText`An introduction from Organizer Academy: ${person.displayName}`,
      text: `${mailText`Hello ${request.contactName},\n\n${admin.displayName} would like to introduce you to ${person.displayName}, a member of the academy, about your request.\n`}${mailText`${note}`}\n${mailText`Would you like to be put in touch? Nobody's email address is shared until you both say yes:\n\n${this.baseUrl}/introductions/${partnerLink.token}\n`}`,
    });
    const personText = `${mailText`Hello ${person.displayName},\n\n${admin.displayName} would like to introduce you to ${request.contactName} of ${request.organisation}, who asked for help with:\n\n`}${request.need}\n${mailText`${note}`}\n${mailText`Would you like to be put in touch? Nobody's email address is shared until you both say yes:\n\n${this.baseUrl}/introductions/${personLink.token}\n`}`;
    const notice = {
      to: person,
      kind: 'introductions' as const,
      title: `An introduction to ${request.organisation}`,
      body: `${admin.displayName} would like to introduce you to ${request.contactName} of ${request.organisation}. Say yes or no.`,
      link: '/me/introductions',
      emailText: personText,
    };
    await notify(manager, this.baseUrl, notice);
    // The answer link must reach the person by email even if they chose not to get these by email.
    if ((await deliveryFor(manager, person.id, 'introductions')) !== 'email')
      await queueEmail(manager, { to: person.email, subject: notice.title, text: personText });
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'introduction.made',
      subjectType: 'introduction',
      subjectId: intro.id,
      details: { requestId, userId: person.id },
    });
  }

  private async load(manager: EntityManager, where: Partial<Introduction>, lock: boolean) {
    const intro = await manager.findOne(Introduction, {
      where,
      lock: lock ? { mode: 'pessimistic_write' } : undefined,
    });
    if (!intro) return null;
    const request = await manager.findOneByOrFail(PartnerRequest, { id: intro.requestId });
    const person = await manager.findOneByOrFail(User, { id: intro.userId });
    return { intro, request, person };
  }

  private async byToken(manager: EntityManager, token: string, lock: boolean) {
    const hash = hashToken(token);
    const asPartner = await this.load(manager, { partnerTokenHash: hash }, lock);
    if (asPartner) return { side: 'partner' as const, ...asPartner };
    const asPerson = await this.load(manager, { personTokenHash: hash }, lock);
    if (asPerson) return { side: 'person' as const, ...asPerson };
    throw new Gone(LINK_DEAD);
  }

  /** What the holder of an answer link sees. Throws Gone for an unknown link. */
  async forToken(manager: EntityManager, token: string): Promise<IntroductionView> {
    const { side, intro, request, person } = await this.byToken(manager, token, false);
    return viewFor(side, intro, request, person);
  }

  /** The introductions made to the signed-in person, newest first. */
  async mine(manager: EntityManager, actor: SessionUser | undefined): Promise<IntroductionView[]> {
    const me = assertSignedIn(actor);
    const intros = await manager.find(Introduction, {
      where: { userId: me.id },
      order: { createdAt: 'DESC' },
      take: 100,
    });
    const views: IntroductionView[] = [];
    for (const intro of intros) {
      const loaded = await this.load(manager, { id: intro.id }, false);
      if (loaded) views.push(viewFor('person', loaded.intro, loaded.request, loaded.person));
    }
    return views;
  }

  /** Answers through a link (partner or person). Throws Gone, or Conflict once answered. */
  async answerByToken(manager: EntityManager, token: string, accept: boolean): Promise<IntroductionView> {
    const loaded = await this.byToken(manager, token, true);
    return this.answer(manager, loaded, accept, loaded.side === 'person' ? loaded.person.id : null);
  }

  /** The signed-in person answers an introduction made to them. NotFound for anyone else's. */
  async answerMine(manager: EntityManager, actor: SessionUser | undefined, id: string, accept: boolean) {
    const me = assertSignedIn(actor);
    const loaded = await this.load(manager, { id, userId: me.id }, true);
    if (!loaded) throw new NotFound('That introduction does not exist.');
    return this.answer(manager, { side: 'person', ...loaded }, accept, me.id);
  }

  private async answer(
    manager: EntityManager,
    {
      side,
      intro,
      request,
      person,
    }: { side: Side; intro: Introduction; request: PartnerRequest; person: User },
    accept: boolean,
    actorId: string | null,
  ): Promise<IntroductionView> {
    const field = side === 'partner' ? 'partnerAnswer' : 'personAnswer';
    if (stateOf(intro) === 'ended')
      throw new Conflict('This introduction has ended; nothing more to answer.');
    if (intro[field] !== 'pending') throw new Conflict('You already answered this introduction.');
    intro[field] = accept ? 'accepted' : 'declined';
    await manager.update(Introduction, intro.id, { [field]: intro[field] });
    await recordAudit(manager, {
      actorId,
      action: accept ? 'introduction.accepted' : 'introduction.declined',
      subjectType: 'introduction',
      subjectId: intro.id,
      details: { side },
    });
    const state = stateOf(intro);
    if (state === 'connected') {
      await queueEmail(manager, {
        to: request.contactEmail,
        subject: mailText`You are in touch with ${person.displayName}`,
        text: mailText`Hello ${request.contactName},\n\nYou and ${person.displayName} both said yes. You can write to them at ${person.email}.\n`,
      });
      await queueEmail(manager, {
        to: person.email,
        subject: mailText`You are in touch with ${request.organisation}`,
        text: mailText`Hello ${person.displayName},\n\nYou and ${request.contactName} of ${request.organisation} both said yes. You can write to them at ${request.contactEmail}.\n`,
      });
    } else if (state === 'ended' && !accept) {
      const other =
        side === 'partner'
          ? { to: person.email, name: person.displayName }
          : { to: request.contactEmail, name: request.contactName };
      await queueEmail(manager, {
        to: other.to,
        subject: 'An introduction from Organizer Academy will not go ahead',
        text: mailText`Hello ${other.name},\n\nThe introduction about ${request.organisation}'s request will not go ahead: the other side said no, thank you. No contact details were shared.\n`,
      });
    }
    return viewFor(side, intro, request, person);
  }

  /** The introductions of a request, for its admins. */
  async ofRequest(manager: EntityManager, requestId: string) {
    const intros = await manager.find(Introduction, {
      where: { requestId },
      relations: { user: true },
      order: { createdAt: 'ASC' },
    });
    return intros.map((i) => ({
      personName: i.user!.displayName,
      partner: i.partnerAnswer,
      person: i.personAnswer,
      state: stateOf(i),
    }));
  }

  /** Who may be introduced to a request of `chapterId`: its active members (anyone active for none). */
  async candidates(manager: EntityManager, chapterId: string | null) {
    const people = await manager.find(User, {
      select: { id: true, displayName: true },
      where: { active: true, ...(chapterId ? { chapterId } : {}) },
      order: { displayName: 'ASC' },
      take: 500,
    });
    return people.map((p) => ({ value: p.id, label: p.displayName }));
  }
}
