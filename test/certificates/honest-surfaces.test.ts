import { inflateSync } from 'node:zlib';
import request from 'supertest';
import { Certificate } from '../../src/certificates/certificate.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { certificateKit } from './kit';

/**
 * The text a PDF made by pdfkit shows: its content streams inflated, and every hex string
 * (how pdfkit writes text in the standard fonts) decoded, in order.
 */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  let text = '';
  // Each stream is read by its declared /Length: compressed bytes may end in "\r", which a search
  // for "\r?\nendstream" would take as the line end and cut off (about one PDF in 256).
  for (const match of raw.matchAll(/\/Length (\d+)\b[\s\S]*?>>\s*stream\r?\n/g)) {
    const start = match.index + match[0].length;
    let content: string;
    try {
      content = inflateSync(pdf.subarray(start, start + Number(match[1]))).toString('latin1');
    } catch {
      continue;
    }
    for (const line of content.split('\n').filter((l) => /T[Jj]$/.test(l))) {
      for (const [, hex] of line.matchAll(/<([0-9a-fA-F]*)>/g))
        text += Buffer.from(hex, 'hex').toString('latin1');
      text += '\n';
    }
  }
  return text;
}

describe('pages and PDFs of certificates no longer in force say so', () => {
  let t: TestApp;
  let kit: ReturnType<typeof certificateKit>;
  let admin: Awaited<ReturnType<typeof createUser>>;
  const http = () => request(t.app);
  const actor = () => ({ ...admin, scopeChapterId: null });
  const pdfOf = async (code: string) => {
    const response = await http()
      .get(`/c/${code}/certificate.pdf`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    const body = response.body as Buffer;
    // Say what came back when it is not a PDF, so a failure names its cause.
    expect(`${response.status} ${body.subarray(0, 200).toString('latin1')}`).toMatch(/^200 %PDF-/);
    return pdfText(body);
  };
  const certify = async () => kit.certify((await createUser(t.dataSource.manager)).id);

  beforeAll(async () => {
    t = await startTestApp();
    kit = certificateKit(t);
    admin = await createUser(t.dataSource.manager, { role: 'admin' });
  });
  afterAll(() => t.close());

  it('offers a certificate in force for LinkedIn and prints its expiry', async () => {
    const certificate = await certify();
    const page = await http().get(`/c/${certificate.code}`);
    expect(page.text).toContain('Add to LinkedIn profile');
    const text = await pdfOf(certificate.code);
    expect(text).toContain('Valid until');
    expect(text).not.toMatch(/REVOKED|EXPIRED|SUPERSEDED/);
  });

  it('a revoked certificate: no LinkedIn offer, and its PDF says REVOKED instead of "Valid until"', async () => {
    const certificate = await certify();
    await t.dataSource.transaction((m) => kit.certificates.revoke(m, actor(), certificate.id, 'Copied work'));
    const row = await t.dataSource.manager.findOneByOrFail(Certificate, { id: certificate.id });
    expect(row.revokedAt).not.toBeNull();
    const page = await http().get(`/c/${certificate.code}`);
    expect(page.text).toContain('Status: Revoked');
    expect(page.text).not.toContain('Add to LinkedIn');
    expect(page.text).not.toContain('linkedin.com');
    const text = await pdfOf(certificate.code);
    expect(text).toMatch(/REVOKED on \d{1,2} \w+ \d{4}/);
    expect(text).toContain('no longer valid');
    expect(text).not.toContain('Valid until');
  });

  it('an expired certificate: no LinkedIn offer, and its PDF says EXPIRED', async () => {
    const certificate = await certify();
    await t.dataSource.manager.update(Certificate, certificate.id, {
      validUntil: new Date(Date.now() - 86_400_000),
    });
    const page = await http().get(`/c/${certificate.code}`);
    expect(page.text).toContain('Status: Expired');
    expect(page.text).not.toContain('Add to LinkedIn');
    const text = await pdfOf(certificate.code);
    expect(text).toMatch(/EXPIRED on \d{1,2} \w+ \d{4}/);
    expect(text).not.toContain('Valid until');
  });

  it('a superseded certificate: no LinkedIn offer, its PDF points to the newer one, /verify says superseded', async () => {
    const certificate = await certify();
    const replacement = await t.dataSource.transaction((m) =>
      kit.certificates.reissue(m, actor(), certificate.id),
    );
    const row = await t.dataSource.manager.findOneByOrFail(Certificate, { id: certificate.id });
    expect(row.supersededById).toBe(replacement.id);
    const page = await http().get(`/c/${certificate.code}`);
    expect(page.text).toContain('Status: Superseded');
    expect(page.text).not.toContain('Add to LinkedIn');
    const text = await pdfOf(certificate.code);
    expect(text).toContain('SUPERSEDED');
    expect(text).toContain(replacement.code);
    expect(text).not.toContain('Valid until');
    const checked = await http()
      .post('/verify')
      .type('form')
      .send({ credential: JSON.stringify(certificate.credential) });
    expect(checked.text).not.toContain('genuine and in force');
    expect(checked.text).toContain('Superseded:');
    expect(checked.text).toContain(`/c/${replacement.code}`);
  });
});
