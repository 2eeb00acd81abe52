import type { Page } from 'playwright-core';
import { Circle } from '../../src/circles/circle.entities';
import { JoinRequest, PartnerRequest } from '../../src/doors/door.entities';
import { MIN_FILL_MS } from '../../src/web/form-guard';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { ProjectImpact } from '../../src/projects/project.entities';
import { createChapter, createUser } from '../helpers/factories';
import { createGathering } from '../gatherings/helpers';
import { createProject } from '../projects/helpers';
import { chapterWithPage } from '../directory/helpers';
import { h1Of, mainOf, pathOf, signInAs } from './helpers';
import { axeBoth, browserSuite, PHONE } from './suite';

describe('open doors in a real browser: join, partner requests, introductions, impact (axe, desktop and phone)', () => {
  const suite = browserSuite('open-doors');

  const m = () => suite.running.t.dataSource.manager;
  /** The path `prefix/<token>` of the newest link of that kind emailed to `to`. */
  async function emailedPath(to: string, prefix: string): Promise<string> {
    const messages = await m().find(OutboxMessage, {
      where: { toAddress: to },
      order: { createdAt: 'DESC' },
    });
    for (const message of messages) {
      const match = new RegExp(`${prefix}/[A-Za-z0-9_-]{20,}`).exec(message.bodyText);
      if (match) return match[0];
    }
    throw new Error(`no ${prefix} link was emailed to ${to}`);
  }
  /** A person needs MIN_FILL_MS to fill a public form; the form stamps when it was served. */
  const likeAPerson = (page: Page) => page.waitForTimeout(MIN_FILL_MS + 200);

  it('a stranger finds a chapter on the map, asks to join, confirms, and an admin invites them in one click', async () => {
    const { chapter } = await chapterWithPage(m(), { name: 'Code for Worcester', stateCode: 'VT' });
    const chapterAdmin = await createUser(m(), {
      role: 'admin',
      scopeChapterId: chapter.id,
      chapterId: chapter.id,
    });

    // The chapter page's sections from other features are filled (and so checked by axe).
    const circle = await m().findOneByOrFail(Circle, { chapterId: chapter.id });
    await createGathering(m(), circle, chapterAdmin.id, { title: 'Open hack night', isPublic: true });
    await createProject(suite.running.t.dataSource, chapter.id, { name: 'Permit finder' });

    const stranger = await suite.pages.newPage();
    await stranger.goto('/chapters');
    await h1Of(stranger, 'Chapters').waitFor();
    await stranger.getByRole('link', { name: 'VT 1 chapter (Vermont)' }).click();
    expect(new URL(stranger.url()).hash).toBe('#state-vt');
    await mainOf(stranger).getByRole('link', { name: 'Code for Worcester' }).click();
    await h1Of(stranger, 'Code for Worcester').waitFor();
    await mainOf(stranger).getByRole('link', { name: 'Open hack night' }).waitFor();
    await mainOf(stranger).getByRole('link', { name: 'Permit finder' }).waitFor();
    await axeBoth(stranger, 'chapter-page-with-slots');

    // On a phone the visitors' menu stays folded in a short header; it holds the new links.
    await stranger.setViewportSize(PHONE);
    const header = stranger.getByRole('banner');
    expect((await header.boundingBox())!.height).toBeLessThanOrEqual(72);
    const opportunities = stranger
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Opportunities' });
    expect(await opportunities.isVisible()).toBe(false);
    await header.getByText('Menu', { exact: true }).click();
    await opportunities.waitFor();
    expect(
      await stranger
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Find people' })
        .isVisible(),
    ).toBe(true);
    await stranger.setViewportSize({ width: 1280, height: 800 });

    await stranger.goto('/join');
    await h1Of(stranger, 'Join or start a group').waitFor();
    await axeBoth(stranger, 'join');
    await stranger.getByLabel('Your name', { exact: true }).fill('Nia Newcomer');
    await stranger.getByLabel('Email address').fill('nia.browser@example.org');
    await stranger.getByLabel('US state').selectOption('VT');
    await likeAPerson(stranger);
    await stranger.getByRole('button', { name: 'Send' }).click();
    await h1Of(stranger, 'Check your email').waitFor();
    await axeBoth(stranger, 'join-sent');

    await stranger.goto(await emailedPath('nia.browser@example.org', '/join/confirm'));
    await h1Of(stranger, 'Confirm your request').waitFor();
    await axeBoth(stranger, 'join-confirm');
    await stranger.getByRole('button', { name: 'Confirm my request' }).click();
    await h1Of(stranger, 'Thank you: your request is confirmed').waitFor();
    await axeBoth(stranger, 'join-confirmed');
    const request = await m().findOneByOrFail(JoinRequest, { email: 'nia.browser@example.org' });
    expect(request.chapterId).toBe(chapter.id);

    const admin = await suite.pages.newPage();
    await signInAs(admin, chapterAdmin.email);
    await admin.goto('/admin/requests');
    await h1Of(admin, 'Join requests').waitFor();
    await axeBoth(admin, 'admin-join-requests');
    await mainOf(admin).getByRole('link', { name: 'Nia Newcomer' }).click();
    await axeBoth(admin, 'admin-join-request');
    await admin.getByRole('button', { name: 'Invite Nia Newcomer' }).click();
    await mainOf(admin).getByText('Invitation sent to nia.browser@example.org.', { exact: false }).waitFor();
    expect(await emailedPath('nia.browser@example.org', '/invites')).toMatch(/^\/invites\//);
  });

  it('a partner asks, confirms, follows the status link, and is introduced to an organizer; both accept', async () => {
    const chapter = await createChapter(m(), { name: 'Code for Burlington', stateCode: 'NH' });
    const chapterAdmin = await createUser(m(), {
      role: 'admin',
      scopeChapterId: chapter.id,
      chapterId: chapter.id,
    });
    const organizer = await createUser(m(), {
      chapterId: chapter.id,
      displayName: 'Olu Organizer',
      email: 'olu.browser@example.org',
    });
    const partnerEmail = 'pat.browser@city.example';

    const partner = await suite.pages.newPage();
    await partner.goto('/partners/request');
    await h1Of(partner, 'Bring us a problem or ask for advice').waitFor();
    await axeBoth(partner, 'partner-request');
    await partner.getByLabel('Organisation', { exact: true }).fill('City of Concord');
    await partner.getByLabel('Kind of organisation').selectOption('government');
    await partner.getByLabel('Your name', { exact: true }).fill('Pat Partner');
    await partner.getByLabel('Your email address').fill(partnerEmail);
    await partner.getByLabel('What do you need?').fill('Residents cannot find which permits they need.');
    await partner.getByLabel('Chapter', { exact: true }).selectOption({ label: 'Code for Burlington' });
    await likeAPerson(partner);
    await partner.getByRole('button', { name: 'Send' }).click();
    await h1Of(partner, 'Check your email').waitFor();
    await partner.goto(await emailedPath(partnerEmail, '/partners/confirm'));
    await partner.getByRole('button', { name: 'Confirm my request' }).click();
    await h1Of(partner, "City of Concord's request").waitFor();
    const statusPath = await emailedPath(partnerEmail, '/partners/status');
    expect(pathOf(partner)).toBe(statusPath);
    await partner.goto(statusPath);
    await h1Of(partner, "City of Concord's request").waitFor();
    await axeBoth(partner, 'partner-status');

    const admin = await suite.pages.newPage();
    await signInAs(admin, chapterAdmin.email);
    const request = await m().findOneByOrFail(PartnerRequest, { contactEmail: partnerEmail });
    await admin.goto(`/admin/partner-requests/${request.id}`);
    await axeBoth(admin, 'admin-partner-request');
    await admin.getByLabel('Introduce to').selectOption({ label: 'Olu Organizer' });
    await admin.getByRole('button', { name: 'Send the introduction' }).click();
    await mainOf(admin).getByText('Introduction sent.', { exact: false }).waitFor();

    const person = await suite.pages.newPage();
    await person.goto(await emailedPath(organizer.email, '/introductions'));
    await h1Of(person, 'An introduction').waitFor();
    expect(await mainOf(person).textContent()).not.toContain(partnerEmail);
    await axeBoth(person, 'introduction');
    await person.getByRole('button', { name: 'Yes, put us in touch' }).click();
    await partner.goto(await emailedPath(partnerEmail, '/introductions'));
    await h1Of(partner, 'An introduction').waitFor();
    await partner.getByRole('button', { name: 'Yes, put us in touch' }).click();
    await mainOf(partner).getByText(organizer.email).waitFor();
    await axeBoth(partner, 'introduction-accepted');
  });

  it('the "people helped" a lead records appears in the report from all sides', async () => {
    const chapter = await createChapter(m(), { name: 'Code for Nashua' });
    const lead = await createUser(m(), { chapterId: chapter.id });
    const academyAdmin = await createUser(m(), { role: 'admin' });
    const project = await createProject(suite.running.t.dataSource, chapter.id, { leadId: lead.id });

    const leadPage = await suite.pages.newPage();
    await signInAs(leadPage, lead.email);
    await leadPage.goto(`/projects/${project.id}`);
    await leadPage.getByLabel('People helped (a whole number)').fill('4321');
    await leadPage.getByLabel('Unit', { exact: true }).fill('residents');
    await leadPage.getByLabel('How it was counted').fill('Sign-ups in the app on 1 March.');
    await leadPage.getByRole('button', { name: 'Record' }).click();
    // Pages write counts for people: 4,321 (the CSV keeps 4321).
    await mainOf(leadPage).getByText('4,321 residents', { exact: false }).first().waitFor();
    expect(await m().countBy(ProjectImpact, { projectId: project.id, peopleHelped: 4321 })).toBe(1);

    const admin = await suite.pages.newPage();
    await signInAs(admin, academyAdmin.email);
    await admin.goto(`/admin/reports/all-sides?chapterId=${chapter.id}`);
    await h1Of(admin, 'From all sides').waitFor();
    const table = mainOf(admin).getByRole('region', { name: 'Code for Nashua from all sides' });
    expect(await table.getByRole('cell', { name: '4,321', exact: true }).count()).toBeGreaterThan(0);
    await axeBoth(admin, 'all-sides-with-impact');
  });
});
