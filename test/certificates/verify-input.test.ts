import { crc32, deflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import request from 'supertest';
import { Certificate } from '../../src/certificates/certificate.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { certificateKit } from './kit';

/** One PNG chunk: length, type, data, CRC of type and data. */
function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** `png` with an iTXt chunk (keyword, text, optionally zlib-compressed) inserted before IEND. */
function withITxt(png: Buffer, keyword: string, text: string, compressed = false): Buffer {
  const body = compressed ? deflateSync(Buffer.from(text, 'utf8')) : Buffer.from(text, 'utf8');
  const data = Buffer.concat([
    Buffer.from(keyword, 'latin1'),
    Buffer.from([0, compressed ? 1 : 0, 0]),
    Buffer.from('\0\0', 'latin1'),
    body,
  ]);
  const iend = png.length - 12;
  return Buffer.concat([png.subarray(0, iend), pngChunk('iTXt', data), png.subarray(iend)]);
}

function bakedSvg(json: string | null): Buffer {
  const credential =
    json === null ? '' : `<openbadges:credential><![CDATA[${json}]]></openbadges:credential>`;
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" width="64" height="64" viewBox="0 0 64 64">
  ${credential}
  <circle cx="32" cy="32" r="30" fill="#1d4ed8"/>
</svg>`,
    'utf8',
  );
}

describe('what /verify accepts, and how it refuses the rest', () => {
  let t: TestApp;
  let certificate: Certificate;
  let json: string;
  let plainPng: Buffer;
  const http = () => request(t.app);
  const upload = (bytes: Buffer, name: string) => http().post('/verify').attach('file', bytes, name);

  beforeAll(async () => {
    t = await startTestApp();
    const kit = certificateKit(t);
    certificate = await kit.certify((await createUser(t.dataSource.manager)).id);
    json = JSON.stringify(certificate.credential);
    plainPng = await QRCode.toBuffer('https://academy.test/');
  });
  afterAll(() => t.close());

  it('verifies a baked PNG badge (iTXt openbadgecredential, plain or compressed) and a baked SVG', async () => {
    for (const compressed of [false, true]) {
      const page = await upload(withITxt(plainPng, 'openbadgecredential', json, compressed), 'badge.png');
      expect(page.status).toBe(200);
      expect(page.text).toContain('Verified: this credential is genuine and in force');
    }
    const svg = await upload(bakedSvg(json), 'badge.svg');
    expect(svg.status).toBe(200);
    expect(svg.text).toContain('Verified: this credential is genuine and in force');
    // Each check of one of our certificates is counted, whichever way it came in.
    await t.app.flushCounters();
    const [row] = await t.dataSource.query<{ count: number }[]>(
      `SELECT coalesce(sum(count), 0)::int AS count FROM certificate_verifications
        WHERE certificate_id = $1 AND channel = 'paste'`,
      [certificate.id],
    );
    expect(row.count).toBe(3);
  });

  it('says plainly when an image carries no credential, or cannot be read', async () => {
    const png = await upload(withITxt(plainPng, 'Comment', 'just a picture'), 'badge.png');
    expect(png.status).toBe(400);
    expect(png.text).toContain('This PNG carries no credential');
    const svg = await upload(bakedSvg(null), 'badge.svg');
    expect(svg.status).toBe(400);
    expect(svg.text).toContain('This SVG carries no credential');
    const truncated = await upload(plainPng.subarray(0, 60), 'badge.png');
    expect(truncated.status).toBe(400);
    expect(truncated.text).toContain('This image could not be read');
    const broken = await upload(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><g></svg>'), 'b.svg');
    expect(broken.status).toBe(400);
    expect(broken.text).toContain('not a well-formed SVG');
    const other = await upload(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'photo.jpg');
    expect(other.status).toBe(400);
    expect(other.text).toContain('neither a credential');
  });

  it('holds paste, upload and JSON body to the same size cap, with a 413 and a reason', async () => {
    const huge = JSON.stringify({ ...certificate.credential, padding: 'x'.repeat(260 * 1024) });
    const pastedAsForm = await http().post('/verify').type('form').send({ credential: huge });
    const pastedAsMultipart = await http().post('/verify').field('credential', huge);
    const uploaded = await upload(Buffer.from(huge), 'credential.json');
    const body = await http()
      .post('/verify')
      .set('Content-Type', 'application/json')
      .set('Accept', 'application/json')
      .send(huge);
    for (const response of [pastedAsForm, pastedAsMultipart, uploaded, body]) {
      expect(response.status).toBe(413);
      expect(response.text).toMatch(/larger than 256 KB/);
    }
    const image = await upload(Buffer.concat([plainPng, Buffer.alloc(1100 * 1024)]), 'big.png');
    expect(image.status).toBe(413);
    expect(image.text).toContain('The file is larger than 1,024 KB');
  });

  it('refuses too many parts, extra files and a broken multipart body with a 400', async () => {
    let many = http().post('/verify');
    for (let i = 0; i < 8; i++) many = many.field(`f${i}`, 'x');
    expect((await many).status).toBe(400);
    const twoFiles = await http()
      .post('/verify')
      .attach('file', Buffer.from(json), 'a.json')
      .attach('other', Buffer.from(json), 'b.json');
    expect(twoFiles.status).toBe(400);
    const cut = await http()
      .post('/verify')
      .set('Content-Type', 'multipart/form-data; boundary=XYZ')
      .send('--XYZ\r\nContent-Disposition: form-data; name="credential"\r\n\r\n{"a":');
    expect(cut.status).toBe(400);
    expect(cut.text).toContain('could not be read');
  });

  it('answers malformed credentials of any shape with a 4xx and a reason, never a 500', async () => {
    const shapes: string[] = [
      '{"evidence":{}}',
      '{"validFrom":5}',
      '{"credentialSubject":[1,2],"issuer":7,"proof":"x","@context":{}}',
      '[]',
      '"text"',
      '{"evidence":[null,3,{"id":{}}],"validUntil":{"@value":1}}',
      `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
      `{"a":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}`,
      JSON.stringify({
        '@context': Array.from({ length: 50 }, () => 'https://www.w3.org/ns/credentials/v2'),
      }),
    ];
    for (const shape of shapes) {
      const page = await http().post('/verify').type('form').send({ credential: shape });
      expect([400, 422]).toContain(page.status);
      expect(page.text).toMatch(/Not verified|There is a problem/);
      const api = await http()
        .post('/verify')
        .set('Content-Type', 'application/json')
        .set('Accept', 'application/json')
        .send(shape);
      expect([400, 422]).toContain(api.status);
    }
  });

  it('answers a JSON body in JSON', async () => {
    const ok = await http()
      .post('/verify')
      .set('Content-Type', 'application/vc+ld+json')
      .set('Accept', 'application/json')
      .send(json);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ verified: true, supersededBy: null });
    expect((ok.body as { checks: unknown[] }).checks).toHaveLength(5);
    const deep = await http()
      .post('/verify')
      .set('Content-Type', 'application/json')
      .set('Accept', 'application/json')
      .send(JSON.stringify({ a: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) as unknown }));
    expect(deep.status).toBe(400);
    expect((deep.body as { message: string }).message).toContain('nested more than 32 levels');
  });
});
