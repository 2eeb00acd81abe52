import pino from 'pino';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { queueEmail } from '../../src/mail/outbox';
import { MAX_SEND_ATTEMPTS, OutboxWorker, type MailTransport } from '../../src/mail/outbox-worker';
import { startTestApp, type TestApp } from '../helpers/app';

/** A transport that records what it was asked to send and can be told to fail. */
class RecordingTransport implements MailTransport {
  sent: { to: string; subject: string }[] = [];
  failuresLeft = 0;
  async sendMail(message: { to: string; subject: string }): Promise<unknown> {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('connect ECONNREFUSED 127.0.0.1:25');
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.sent.push({ to: message.to, subject: message.subject });
    return {};
  }
}

describe('outbox delivery', () => {
  let t: TestApp;
  const logger = pino({ level: 'silent' });
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.close());

  const queue = (to: string) =>
    t.dataSource.transaction((m) => queueEmail(m, { to, subject: `Hello ${to}`, text: 'Body' }));

  it('sends queued messages and marks them sent', async () => {
    const transport = new RecordingTransport();
    await queue('a@example.org');
    await queue('b@example.org');
    const worker = new OutboxWorker(t.dataSource, transport, 'Academy <no-reply@example.org>', logger);
    expect(await worker.deliverDue()).toBe(2);
    expect(transport.sent.map((m) => m.to).sort()).toEqual(['a@example.org', 'b@example.org']);
    const rows = await t.dataSource.manager.find(OutboxMessage);
    expect(rows.every((row) => row.status === 'sent' && row.sentAt !== null && row.attempts === 1)).toBe(
      true,
    );
  });

  it('keeps a failed message queued with a later retry time and the error, then sends it on retry', async () => {
    const transport = new RecordingTransport();
    transport.failuresLeft = 1;
    await queue('c@example.org');
    const worker = new OutboxWorker(t.dataSource, transport, 'x@example.org', logger);
    expect(await worker.deliverDue()).toBe(0);
    const failed = await t.dataSource.manager.findOneByOrFail(OutboxMessage, { toAddress: 'c@example.org' });
    expect(failed).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: 'connect ECONNREFUSED 127.0.0.1:25',
    });
    expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 30_000);
    expect(await worker.deliverDue()).toBe(0);

    await t.dataSource.manager.update(OutboxMessage, failed.id, {
      nextAttemptAt: new Date(Date.now() - 1000),
    });
    expect(await worker.deliverDue()).toBe(1);
    expect(await t.dataSource.manager.findOneByOrFail(OutboxMessage, { id: failed.id })).toMatchObject({
      status: 'sent',
      attempts: 2,
    });
  });

  it('gives up after the last attempt and marks the message failed', async () => {
    const transport = new RecordingTransport();
    transport.failuresLeft = 100;
    await queue('d@example.org');
    const message = await t.dataSource.manager.findOneByOrFail(OutboxMessage, { toAddress: 'd@example.org' });
    await t.dataSource.manager.update(OutboxMessage, message.id, { attempts: MAX_SEND_ATTEMPTS - 1 });
    await new OutboxWorker(t.dataSource, transport, 'x@example.org', logger).deliverDue();
    expect(await t.dataSource.manager.findOneByOrFail(OutboxMessage, { id: message.id })).toMatchObject({
      status: 'failed',
    });
  });

  it('never sends a message twice when two workers (two processes) run at once', async () => {
    for (let i = 0; i < 10; i += 1) await queue(`p${i}@example.org`);
    const transport = new RecordingTransport();
    const workers = [1, 2].map(() => new OutboxWorker(t.dataSource, transport, 'x@example.org', logger));
    const counts = await Promise.all(workers.map((worker) => worker.deliverDue(10)));
    expect(counts[0] + counts[1]).toBe(10);
    expect(new Set(transport.sent.map((m) => m.to)).size).toBe(10);
    expect(transport.sent).toHaveLength(10);
  });
});
