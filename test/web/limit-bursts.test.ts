import { DOOR_LIMITS } from '../../src/doors/limits';
import { JoinRequest, PartnerRequest } from '../../src/doors/door.entities';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { CONTACT_PER_ADDRESS, CONTACT_PER_RECIPIENT } from '../../src/projects';
import { CONTACT_FORM_PURPOSE } from '../../src/projects/contact.service';
import { TalentListing } from '../../src/projects/talent.entities';
import { FormGuard } from '../../src/web/form-guard';
import { certificateKit } from '../certificates/kit';
import { joinFields, partnerFields, stampedAgo } from '../doors/helpers';
import { TEST_ENV } from '../helpers/app';
import { createUser } from '../helpers/factories';
import {
  anonymousForm,
  expectBurstHolds,
  refusedWith429,
  twoProcesses,
  type LimitCase,
} from '../helpers/limit-burst';

/**
 * The public forms' limits kept in PostgreSQL (join, partner and talent contact forms), each hit by
 * 50 concurrent sends split over two app processes on one database (see expectBurstHolds).
 */
describe('public form limits under a burst of 50 across two processes', () => {
  let apps: Awaited<ReturnType<typeof twoProcesses>>;
  const db = () => apps.first.dataSource.manager;
  let lastAddress = 0;
  const newIp = () => {
    lastAddress += 1;
    return `10.77.${(lastAddress >> 8) & 255}.${lastAddress & 255}`;
  };

  beforeAll(async () => {
    apps = await twoProcesses({ TRUST_PROXY: '1', PUBLIC_RATE_LIMIT_PER_MINUTE: '2000' });
  });
  afterAll(() => apps.close());

  const doorForm = (fields: Record<string, string>) => ({
    ...fields,
    formStarted: stampedAgo(),
    website: '',
  });
  const contactFields = () => ({
    name: 'Pat Partner',
    organisation: 'City of Somerville',
    email: 'pat.partner@city.example',
    message: 'We would like help running resident listening sessions this spring.',
    started: new FormGuard(TEST_ENV.SESSION_SECRET, CONTACT_FORM_PURPOSE).sign(Date.now() - 10_000),
    website: '',
  });
  const messagesTo = async (emails: string[]) =>
    (await db().find(OutboxMessage)).filter((m) => emails.includes(m.toAddress) && m.headers['Reply-To'])
      .length;

  /** `count` organizers with a current certificate, on the talent listing. */
  async function listedPeople(count: number) {
    const kit = certificateKit(apps.first);
    const people = [];
    for (let i = 0; i < count; i += 1) {
      const person = await createUser(db());
      await kit.certify(person.id);
      await db().insert(TalentListing, { userId: person.id, skills: 'Facilitation', note: '' });
      people.push(person);
    }
    return people;
  }

  const cases: [string, () => Promise<LimitCase>][] = [
    [
      'join requests per email address',
      () => {
        const email = 'burst.join@example.org';
        return Promise.resolve({
          allowed: DOOR_LIMITS.perAddressPerDay,
          message: 'several requests from this email address',
          prepare: (i) => anonymousForm(apps.app(i), '/join', newIp(), doorForm(joinFields({ email }))),
          done: refusedWith429(200),
          rows: () => db().countBy(JoinRequest, { email }),
        });
      },
    ],
    [
      'join requests per network address',
      () => {
        const ip = newIp();
        return Promise.resolve({
          allowed: DOOR_LIMITS.perIpPerHour,
          message: 'sent from your network',
          prepare: (i) =>
            anonymousForm(
              apps.app(i),
              '/join',
              ip,
              doorForm(joinFields({ email: `net.burst.${i}@example.org` })),
            ),
          done: refusedWith429(200),
          rows: async () =>
            (await db().find(JoinRequest)).filter((r) => r.email.startsWith('net.burst.')).length,
        });
      },
    ],
    [
      'partner requests per email address',
      () => {
        const contactEmail = 'burst.partner@example.org';
        return Promise.resolve({
          allowed: DOOR_LIMITS.perAddressPerDay,
          message: 'several requests from this email address',
          prepare: (i) =>
            anonymousForm(
              apps.app(i),
              '/partners/request',
              newIp(),
              doorForm(partnerFields({ contactEmail })),
            ),
          done: refusedWith429(200),
          rows: () => db().countBy(PartnerRequest, { contactEmail }),
        });
      },
    ],
    [
      'talent contact messages per recipient',
      async () => {
        const [person] = await listedPeople(1);
        return {
          allowed: CONTACT_PER_RECIPIENT.attempts,
          message: 'received several messages today',
          prepare: (i) =>
            anonymousForm(apps.app(i), `/people/listed/${person.id}/contact`, newIp(), contactFields()),
          done: refusedWith429(200),
          rows: () => messagesTo([person.email]),
        };
      },
    ],
    [
      'talent contact messages per sender address',
      async () => {
        // Two sends to each of 25 people: however the burst falls, no recipient reaches its own limit.
        const people = await listedPeople(25);
        const ip = newIp();
        return {
          allowed: CONTACT_PER_ADDRESS.attempts,
          message: 'You have sent several messages already',
          prepare: (i) =>
            anonymousForm(
              apps.app(i),
              `/people/listed/${people[i % people.length].id}/contact`,
              ip,
              contactFields(),
            ),
          done: refusedWith429(200),
          rows: () => messagesTo(people.map((p) => p.email)),
        };
      },
    ],
  ];

  it.each(cases)('%s', async (name, make) => expectBurstHolds(name, await make()));
});
