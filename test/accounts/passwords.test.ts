import { RequestAbandoned } from '../../src/web/errors';
import {
  hashPassword,
  passwordHashLoad,
  passwordProblem,
  setAcademyName,
  setPasswordHashConcurrency,
  verifyPassword,
} from '../../src/accounts/passwords';

describe('password rules', () => {
  it('needs at least 12 characters', () => {
    expect(passwordProblem('short pass1')).toBe('Use at least 12 characters.');
    expect(passwordProblem('twelve chars')).toBeUndefined();
  });

  it('allows long passphrases (64 and more) up to 256 characters', () => {
    expect(passwordProblem('a'.repeat(10) + ' long passphrase '.repeat(5))).toBeUndefined();
    const long = 'violet canoes argue with tuesday marbles '.repeat(7).slice(0, 256);
    expect(passwordProblem(long)).toBeUndefined();
    expect(passwordProblem(long + 'x')).toBe('Use at most 256 characters.');
  });

  it('refuses the most common passwords, whatever their case', () => {
    expect(passwordProblem('qwerty123456')).toMatch(/most common/);
    expect(passwordProblem('QWERTY123456')).toMatch(/most common/);
    expect(passwordProblem('1qaz2wsx3edc')).toMatch(/most common/);
  });

  it('refuses guessable passwords of any length, saying why and suggesting a passphrase', () => {
    const cases: [string, RegExp][] = [
      ['aaaaaaaaaaaa', /Repeated characters/],
      ['123456789012', /easy to guess|most common/],
      ['password1234', /easy to guess|most common/],
      ['organizeracademy', /easy to guess/],
      ['x'.repeat(256), /Repeated characters/],
    ];
    for (const [password, why] of cases) {
      const problem = passwordProblem(password);
      expect([password, problem]).toEqual([password, expect.stringMatching(why)]);
      expect(problem).toContain('Try a passphrase');
    }
  });

  it('counts the person’s own name, email and the academy’s name as guessable', () => {
    const person = { name: 'Margaret Hamilton', email: 'mhamilton@example.org' };
    for (const password of [
      'Margaret Hamilton',
      'margarethamilton',
      'margaret hamilton 1',
      'mhamilton@example',
    ])
      expect([password, passwordProblem(password, person)]).toEqual([
        password,
        expect.stringMatching(/guess/),
      ]);
    setAcademyName('Springfield Civic Lab');
    try {
      expect(passwordProblem('springfieldciviclab')).toMatch(/easy to guess/);
    } finally {
      setAcademyName('Organizer Academy');
    }
  });

  it('accepts passphrases, including the ones tests, the demo and the benchmark use', () => {
    for (const password of [
      'plenty of rivers to cross 42',
      'civic tech demo password',
      'bench password for load tests',
      'copper kettles sing at dawn',
      'correct horse battery staple 2027',
    ])
      expect([password, passwordProblem(password, { name: 'Margaret Hamilton' })]).toEqual([
        password,
        undefined,
      ]);
  });

  it('refuses the account email as password', () => {
    expect(passwordProblem('Someone@Example.org', { email: 'someone@example.org' })).toMatch(/email/);
  });

  it('hashes with Argon2id at the OWASP ASVS floor and never truncates', async () => {
    const long = 'correct horse battery staple '.repeat(4);
    const hash = await hashPassword(long);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, long)).toBe(true);
    expect(await verifyPassword(hash, long.slice(0, -1))).toBe(false);
    expect(await verifyPassword(hash, long.slice(0, 72))).toBe(false);
  });

  it('treats a malformed stored hash as a failed check, not a crash', async () => {
    expect(await verifyPassword('not-a-hash', 'anything at all')).toBe(false);
  });
  it('computes at most PASSWORD_HASH_CONCURRENCY hashes at once (19 MiB each); the others wait their turn', async () => {
    try {
      setPasswordHashConcurrency(1);
      const hashes = Array.from({ length: 3 }, (_, i) => hashPassword(`a passphrase number ${i}`));
      expect(passwordHashLoad()).toEqual({ running: 1, waiting: 2 });
      const done = await Promise.all(hashes);
      expect(passwordHashLoad()).toEqual({ running: 0, waiting: 0 });
      expect(await verifyPassword(done[2], 'a passphrase number 2')).toBe(true);

      setPasswordHashConcurrency(2);
      const pair = [hashPassword('first of a pair'), hashPassword('second of a pair'), hashPassword('third')];
      expect(passwordHashLoad()).toEqual({ running: 2, waiting: 1 });
      await Promise.all(pair);
      // A failed check gives its slot back too.
      await Promise.all([verifyPassword('not-a-hash', 'x'), verifyPassword('not-a-hash', 'y')]);
      expect(passwordHashLoad()).toEqual({ running: 0, waiting: 0 });
    } finally {
      setPasswordHashConcurrency(1);
    }
  });

  it('drops a check whose caller has gone while it waited, without hashing, and keeps the queue moving', async () => {
    setPasswordHashConcurrency(1);
    const stored = await hashPassword('a stored passphrase');
    const first = verifyPassword(stored, 'a stored passphrase');
    const gone = new AbortController();
    const abandoned = verifyPassword(stored, 'a stored passphrase', gone.signal);
    const third = verifyPassword(stored, 'not the passphrase');
    expect(passwordHashLoad()).toEqual({ running: 1, waiting: 2 });
    gone.abort();
    expect(passwordHashLoad()).toEqual({ running: 1, waiting: 1 });
    await expect(abandoned).rejects.toBeInstanceOf(RequestAbandoned);
    await expect(first).resolves.toBe(true);
    await expect(third).resolves.toBe(false);
    expect(passwordHashLoad()).toEqual({ running: 0, waiting: 0 });

    // Gone before it even asked: no slot taken.
    await expect(hashPassword('another passphrase', gone.signal)).rejects.toBeInstanceOf(RequestAbandoned);
    expect(passwordHashLoad()).toEqual({ running: 0, waiting: 0 });
  });
});
