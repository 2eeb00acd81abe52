import { createChapter, createUser } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';
import { startTestApp, type TestApp } from '../helpers/app';
import { certificateKit } from './kit';

describe('the admin page of the issuer identity', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("shows academy admins the DID, the DID document's URL and every key, newest first", async () => {
    const kit = certificateKit(t);
    await t.dataSource.transaction((m) => kit.keys.ensureKey(m));
    await t.dataSource.transaction((m) => kit.keys.rotate(m, null));
    const admin = await createUser(t.dataSource.manager, { role: 'admin' });
    const page = await (await signedInAgent(t.app, admin.email)).get('/admin/issuer');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<code>did:web:academy.test</code>');
    expect(page.text).toContain('https://academy.test/.well-known/did.json');
    expect(page.text).toContain('This site runs on plain http');
    const key2 = page.text.indexOf('did:web:academy.test#key-2');
    const key1 = page.text.indexOf('did:web:academy.test#key-1');
    expect(key2).toBeGreaterThan(-1);
    expect(key1).toBeGreaterThan(key2);
    expect(page.text).toContain('http://academy.test/issuer#key-1');
    expect(page.text).toContain('Signs new certificates');
    expect(page.text).toContain('Retired: still verifies what it signed');
    expect(page.text).toContain('DCC issuer registry');
  });

  it('is closed to chapter admins and everyone else', async () => {
    const chapter = await createChapter(t.dataSource.manager);
    const scoped = await createUser(t.dataSource.manager, { role: 'admin', scopeChapterId: chapter.id });
    const organizer = await createUser(t.dataSource.manager, { role: 'organizer' });
    for (const person of [scoped, organizer]) {
      const page = await (await signedInAgent(t.app, person.email)).get('/admin/issuer');
      expect(page.status).toBe(403);
    }
  });
});
