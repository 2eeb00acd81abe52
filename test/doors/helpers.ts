import { DOORS_FORM_PURPOSE } from '../../src/doors/public.router';
import { FormGuard } from '../../src/web/form-guard';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import type { TestApp } from '../helpers/app';
import { TEST_ENV } from '../helpers/app';
import { csrfFrom, type Agent } from '../helpers/http';

/** A form stamp signed like the server's, `ago` ms in the past (a person took that long). */
export const stampedAgo = (ago = 10_000) =>
  new FormGuard(TEST_ENV.SESSION_SECRET, DOORS_FORM_PURPOSE).sign(Date.now() - ago);

/** Opens a public form (for the session's CSRF token), then posts it as a person who took 10 s. */
export async function sendForm(
  agent: Agent,
  path: '/join' | '/partners/request',
  fields: Record<string, string>,
  stamp = stampedAgo(),
) {
  const page = await agent.get(path);
  if (page.status !== 200) throw new Error(`${path} answered ${page.status}: ${page.text.slice(0, 2000)}`);
  return agent
    .post(path)
    .type('form')
    .send({ formStarted: stamp, website: '', ...fields, _csrf: csrfFrom(page.text) });
}

export const joinFields = (overrides: Record<string, string> = {}) => ({
  name: 'Nia Newcomer',
  email: 'nia@example.org',
  state: 'MA',
  country: '',
  region: '',
  intent: 'join',
  note: 'I build maps.',
  ...overrides,
});

export const partnerFields = (overrides: Record<string, string> = {}) => ({
  organisation: 'City of Somerville',
  contactName: 'Pat Partner',
  contactEmail: 'pat@somerville.example',
  kind: 'government',
  need: 'Our 311 data is hard to read; we want residents to find answers.',
  deadline: '',
  chapterId: '',
  nearState: 'MA',
  ...overrides,
});

/** The token of the newest link `path/<token>` emailed to `to`. */
export async function linkIn(t: TestApp, to: string, path: string): Promise<string> {
  const messages = await t.dataSource.manager.find(OutboxMessage, {
    where: { toAddress: to },
    order: { createdAt: 'DESC' },
  });
  const pattern = new RegExp(`${TEST_ENV.BASE_URL.replace(/\./g, '\\.')}${path}/([A-Za-z0-9_-]{43})`);
  for (const message of messages) {
    const match = pattern.exec(message.bodyText);
    if (match) return match[1];
  }
  throw new Error(`no ${path} link was emailed to ${to}`);
}

/** Follows an emailed confirmation link: its page, then its button. */
export async function confirmLink(agent: Agent, path: string) {
  const page = await agent.get(path);
  if (page.status !== 200) throw new Error(`${path} answered ${page.status}: ${page.text.slice(0, 2000)}`);
  return agent
    .post(path)
    .type('form')
    .send({ _csrf: csrfFrom(page.text) });
}
