import { Certificate, StatusList } from '../../src/certificates/certificate.entities';
import { StatusListsService } from '../../src/certificates/status-lists.service';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { certificateKit } from './kit';

describe('status-list slots', () => {
  let t: TestApp;
  let kit: ReturnType<typeof certificateKit>;
  const db = () => t.dataSource.manager;

  beforeAll(async () => {
    t = await startTestApp();
    kit = certificateKit(t);
  });
  afterAll(() => t.close());

  it('hands out slots at random positions, each once, and counts them', async () => {
    const before = (await db().findOneBy(StatusList, { id: 1 }))?.taken ?? 0;
    const certificates: Certificate[] = [];
    for (let i = 0; i < 25; i += 1) certificates.push(await kit.certify((await createUser(db())).id));
    const list = await db().findOneByOrFail(StatusList, { id: 1 });
    const slots = certificates.map((c) => c.statusIndex);

    expect(list.taken).toBe(before + 25);
    expect(new Set(slots).size).toBe(25);
    expect(slots.every((slot) => slot >= 0 && slot < list.size)).toBe(true);
    // In issue order they neither count up nor bunch together (25 random picks out of 131,072).
    expect(slots.slice(1).every((slot, i) => slot === slots[i] + 1)).toBe(false);
    expect(Math.max(...slots) - Math.min(...slots)).toBeGreaterThan(1000);
    // The credential names the same slot the database holds.
    for (const certificate of certificates) {
      const status = (certificate.credential as { credentialStatus: { statusListIndex: string } })
        .credentialStatus;
      expect(status.statusListIndex).toBe(String(certificate.statusIndex));
    }
  });

  it('finds a free slot when every random candidate is taken', async () => {
    const held = await kit.certify((await createUser(db())).id);
    const unlucky = new StatusListsService(kit.keys, t.config.baseUrl, (_size, count) =>
      Array.from({ length: count }, () => held.statusIndex),
    );
    const slot = await t.dataSource.transaction((manager) => unlucky.takeSlot(manager));
    expect(slot.listId).toBe(held.statusListId);
    expect(slot.index).not.toBe(held.statusIndex);
    const [{ holders }] = await db().query<{ holders: number }[]>(
      'SELECT count(*)::int AS holders FROM certificates WHERE status_list_id = $1 AND status_index = $2',
      [slot.listId, slot.index],
    );
    expect(holders).toBe(0);
  });

  it('lets the database refuse a slot outside the list or a count beyond its size', async () => {
    await expect(db().query('UPDATE status_lists SET taken = size + 1 WHERE id = 1')).rejects.toThrow(
      /status_lists_taken/,
    );
    const held = await kit.certify((await createUser(db())).id);
    await expect(
      db().query('UPDATE certificates SET status_index = -1 WHERE id = $1', [held.id]),
    ).rejects.toThrow(/certificates_status_index/);
  });
});
