import type { EntityManager } from 'typeorm';
import { mailText, queueEmail } from '../mail/outbox';
import type { AttemptLimiter } from '../web/attempt-limiter';
import { FormGuard } from '../web/form-guard';
import type { TalentService } from './talent.service';

/** The stamp purpose of the contact form (see FormGuard). */
export const CONTACT_FORM_PURPOSE = 'talent-contact';

export interface ContactInput {
  name: string;
  organisation: string;
  email: string;
  message: string;
  /** The honeypot: a field people never see; anything in it marks a script. */
  website: string;
  /** When the form was shown, signed: `<ms>.<hmac>`. */
  started: string;
}

export interface ContactLimiters {
  /** Messages per sender address (IP), across every process. */
  perAddress: AttemptLimiter;
  /** Messages per listed person, across every process. */
  perRecipient: AttemptLimiter;
}

/**
 * Partners write to listed organizers without ever seeing their address: the message goes to the
 * organizer by email (through the outbox) with the partner's address as Reply-To, so the organizer
 * answers only if they want. Protected without third-party services: a honeypot field, a signed
 * minimum fill time, and per-address and per-recipient limits consumed atomically before any work.
 */
export class TalentContactService {
  private readonly guard: FormGuard;

  constructor(
    private readonly talent: TalentService,
    private readonly limiters: ContactLimiters,
    secret: string,
    private readonly baseUrl: string,
  ) {
    this.guard = new FormGuard(secret, CONTACT_FORM_PURPOSE);
  }

  /** The signed stamp a contact form carries: when it was shown. */
  stamp(now = Date.now()): string {
    return this.guard.sign(now);
  }

  /**
   * Lets a partner's message through, or not: false when the honeypot was filled (the sender is shown
   * the same thank-you, so a script learns nothing). Checks the signed stamp, then consumes the
   * per-address and per-recipient limits atomically in PostgreSQL. The limiter takes its own pooled
   * connections, so call this BEFORE opening the transaction that delivers: called inside one, a burst
   * of sends would hold every pooled connection while each waits for another. Throws
   * ValidationFailed (stamp) or TooManyRequests (limits).
   */
  async admit(recipientId: string, ip: string, input: ContactInput, now = Date.now()): Promise<boolean> {
    if (input.website) return false;
    this.guard.check(input.started, now);
    await this.limiters.perAddress.consume(ip);
    await this.limiters.perRecipient.consume(recipientId);
    return true;
  }

  /**
   * Queues an admitted message to the listed person, with the partner's address as Reply-To. Throws
   * NotFound when they are not listed any more.
   */
  async deliver(manager: EntityManager, recipientId: string, input: ContactInput): Promise<void> {
    const to = await this.talent.addressOf(manager, recipientId);
    await queueEmail(manager, {
      to: to.email,
      subject: mailText`${input.name} (${input.organisation}) would like to talk with you`,
      headers: { 'Reply-To': input.email },
      text:
        mailText`Hello ${to.name},\n\n${input.name} of ${input.organisation} wrote to you through the Organizer Academy talent listing.\n` +
        `Your address has not been shared with them. To answer, reply to this email (it goes to ${oneAddress(input.email)}); to ignore it, do nothing.\n\n` +
        `Their message:\n\n${quote(input.message)}\n\n` +
        `To leave the listing, open ${this.baseUrl}/account/listing\n`,
    });
  }
}

function oneAddress(email: string): string {
  return email.replace(/[\r\n]/g, '');
}

/** The partner's message, every line quoted, so it cannot pose as our own text. */
function quote(message: string): string {
  return message
    .split(/\r?\n/)
    .map((line) => `> ${line}`)
    .join('\n');
}
