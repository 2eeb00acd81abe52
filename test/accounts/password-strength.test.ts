import { User } from '../../src/accounts/user.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser, TEST_PASSWORD } from '../helpers/factories';
import { postForm, signedInAgent } from '../helpers/http';

describe('choosing a new password', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('refuses weak passwords and the person’s own name with a reason and passphrase advice, keeping the old one', async () => {
    const person = await createUser(t.dataSource.manager, { displayName: 'Grace Brewster Hopper' });
    const before = (await t.dataSource.manager.findOneByOrFail(User, { id: person.id })).passwordHash;
    const agent = await signedInAgent(t.app, person.email);
    for (const weak of [
      'aaaaaaaaaaaa',
      '123456789012',
      'password1234',
      'organizeracademy',
      'gracebrewsterhopper',
    ]) {
      const response = await postForm(agent, '/account/password', {
        currentPassword: TEST_PASSWORD,
        newPassword: weak,
      });
      expect([weak, response.status]).toEqual([weak, 400]);
      expect(response.text).toContain('Try a passphrase');
    }
    expect((await t.dataSource.manager.findOneByOrFail(User, { id: person.id })).passwordHash).toBe(before);
    const strong = await postForm(agent, '/account/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'marble owls debate the harbour 9',
    });
    expect(strong.status).toBe(303);
    expect((await t.dataSource.manager.findOneByOrFail(User, { id: person.id })).passwordHash).not.toBe(
      before,
    );
  });
});
