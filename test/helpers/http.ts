import request from 'supertest';
import type { App } from '../../src/app';
import { TEST_PASSWORD } from './factories';

export type Agent = ReturnType<typeof request.agent>;

/** The CSRF token from a rendered form. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token in the page');
  return match[1];
}

/** Gets a CSRF token bound to the agent's session from a page every visitor can open. */
export async function csrfToken(agent: Agent): Promise<string> {
  const page = await agent.get('/password/forgot');
  return csrfFrom(page.text);
}

/** Submits a form the way a browser does: urlencoded, with the session's CSRF token. */
export async function postForm(agent: Agent, url: string, fields: Record<string, string | string[]> = {}) {
  const token = await csrfToken(agent);
  return agent
    .post(url)
    .type('form')
    .send({ ...fields, _csrf: token });
}

export async function signIn(agent: Agent, email: string, password = TEST_PASSWORD) {
  return postForm(agent, '/login', { email, password });
}

/** A cookie-keeping client already signed in as `email`. */
export async function signedInAgent(app: App, email: string, password = TEST_PASSWORD): Promise<Agent> {
  const agent = request.agent(app);
  const response = await signIn(agent, email, password);
  if (response.status !== 303)
    throw new Error(`sign-in failed with ${response.status}: ${response.text.slice(0, 300)}`);
  return agent;
}

export function anonymousAgent(app: App): Agent {
  return request.agent(app);
}
