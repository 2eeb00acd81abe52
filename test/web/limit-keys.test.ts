import { JoinRequest } from '../../src/doors/door.entities';
import { joinFields, stampedAgo } from '../doors/helpers';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { capturingLogger } from '../helpers/log-capture';
import { anonymousForm } from '../helpers/limit-burst';

/** 237 characters, a valid address (each domain label under 64): as long as people's addresses get. */
const LONG_EMAIL = `${'a'.repeat(60)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(50)}.org`;
/** A forwarded address that is no address at all, as a misconfigured proxy could pass on. */
const FORGED_ADDRESS = 'x'.repeat(3000);

/**
 * The attempt limits' keys (login_throttle.key is varchar(255)) hold an email address and a network
 * address: the longest of each are counted like any other, never a 500.
 */
describe('attempt limit keys of any length', () => {
  let t: TestApp;
  let log: ReturnType<typeof capturingLogger>;
  beforeAll(async () => {
    log = capturingLogger('warn');
    t = await startTestApp({ logger: log.logger, env: { TRUST_PROXY: '1' } });
  });
  afterAll(() => t.close());

  const send = async (path: string, ip: string, fields: Record<string, string>) =>
    (await anonymousForm(t.app, path, ip, fields))();

  it('checks the password of a 237-character address from an IPv6 address, and limits it', async () => {
    const user = await createUser(t.dataSource.manager, { email: LONG_EMAIL });
    const ip = '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff';
    const statuses = [];
    for (let i = 0; i < 6; i += 1)
      statuses.push((await send('/login', ip, { email: LONG_EMAIL, password: `wrong guess ${i}` })).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    const right = await send('/login', ip, { email: user.email, password: 'plenty of rivers to cross 42' });
    expect(right.status).toBe(429);
    expect(right.headers['retry-after']).toBeDefined();
    expect(log.errors()).toEqual([]);
  });

  it('takes join requests from a 237-character address, three a day', async () => {
    const fields = () => ({ ...joinFields({ email: LONG_EMAIL }), formStarted: stampedAgo(), website: '' });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await send('/join', `10.8.0.${i + 1}`, fields())).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(await t.dataSource.manager.countBy(JoinRequest, { email: LONG_EMAIL })).toBe(3);
    expect(log.errors()).toEqual([]);
  });

  it('counts requests from an unreadable forwarded address like any other address', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i += 1)
      statuses.push(
        (await send('/login', FORGED_ADDRESS, { email: `nobody${i}@example.org`, password: 'wrong one' }))
          .status,
      );
    expect(statuses.every((s) => s === 400)).toBe(true);
    expect((await send('/password/forgot', FORGED_ADDRESS, { email: 'nobody@example.org' })).status).toBe(
      200,
    );
    const join = { ...joinFields({ email: 'forged@example.org' }), formStarted: stampedAgo(), website: '' };
    expect((await send('/join', FORGED_ADDRESS, join)).status).toBe(200);
    expect(log.errors()).toEqual([]);
  });
});
