import type { EntityManager } from 'typeorm';
import { assertAcademyAdmin } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { OutboxMessage } from '../mail/outbox-message.entity';

/** Lets admins read outgoing email, which is how a fresh instance without SMTP delivers invite links. */
export class OutboxService {
  async recent(
    manager: EntityManager,
    actor: SessionUser | undefined,
    limit = 100,
  ): Promise<OutboxMessage[]> {
    assertAcademyAdmin(actor);
    return manager.find(OutboxMessage, { order: { createdAt: 'DESC' }, take: limit });
  }
}
