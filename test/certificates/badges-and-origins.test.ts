import request from 'supertest';
import { unbakePng as unbakePngBytes, unbakeSvg as unbakeSvgBytes } from '../../src/certificates/unbaking';

const unbakePng = (png: Buffer): string | null => unbakePngBytes(png, 1024 * 1024);
const unbakeSvg = (svg: string): string | null => unbakeSvgBytes(Buffer.from(svg, 'utf8'));
import { contrastRatio } from '../../src/certificates/badges/contrast';
import { didWebFromBaseUrl } from '../../src/certificates/credentials';
import { trackFrontMatter } from '../../src/curriculum/curriculum.schemas';
import { createUser } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';
import { startTestApp, type TestApp } from '../helpers/app';
import { certificateKit } from './kit';

/** Binary bodies (images, PDFs) as Buffers. */
const binary = (response: request.Response, callback: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
};

describe('badge artwork, baked badges, and documents open to other origins', () => {
  let t: TestApp;
  let kit: ReturnType<typeof certificateKit>;
  let code: string;
  let served: Record<string, unknown>;
  const http = () => request(t.app);

  beforeAll(async () => {
    t = await startTestApp({ env: { ISSUER_EMAIL: 'academy@example.org' } });
    kit = certificateKit(t);
    const holder = await createUser(t.dataSource.manager, { displayName: 'Badge Holder' });
    code = (await kit.certify(holder.id)).code;
    served = (await http().get(`/c/${code}/credential.json`)).body as Record<string, unknown>;
  });
  afterAll(() => t.close());

  it('names the issuer by its DID, with its logo and email, and the badge as the achievement image', () => {
    expect(served.issuer).toEqual({
      id: didWebFromBaseUrl('http://academy.test'),
      type: ['Profile'],
      name: 'Organizer Academy',
      url: 'http://academy.test',
      email: 'academy@example.org',
      image: {
        id: 'http://academy.test/static/img/issuer-logo.png',
        type: 'Image',
        caption: 'Organizer Academy logo',
      },
    });
    expect(served).toMatchObject({
      credentialSubject: {
        achievement: {
          achievementType: 'CertificateOfCompletion',
          image: { id: `http://academy.test/badges/${kit.track.id}.png`, type: 'Image' },
        },
      },
      proof: [{ verificationMethod: `${didWebFromBaseUrl('http://academy.test')}#key-1` }],
    });
    const ids = (served.evidence as { id: string }[]).map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("draws each track's badge in its front-matter colours, as SVG and PNG, readable from any origin", async () => {
    const svg = await http().get(`/badges/${kit.track.id}.svg`).buffer(true).parse(binary);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    const text = (svg.body as Buffer).toString('utf8');
    expect(text).toContain(kit.track.badge.background);
    expect(text).toContain(`fill="${kit.track.badge.text}"`);
    expect(text).toContain('Civic Tech');
    const png = await http().get(`/badges/${kit.track.id}.png`).buffer(true).parse(binary);
    expect(png.headers['content-type']).toBe('image/png');
    expect((png.body as Buffer).subarray(1, 4).toString()).toBe('PNG');
    expect(png.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect((await http().get('/badges/no-such-track.png')).status).toBe(404);
    expect(contrastRatio(kit.track.badge.text, kit.track.badge.background)).toBeGreaterThanOrEqual(4.5);
  });

  it('refuses badge colours whose text fails WCAG AA contrast', () => {
    const base = { id: 'x', title: 'X', summary: 'S', certificateName: 'X', criteria: 'C', modules: ['m'] };
    const low = trackFrontMatter.safeParse({
      ...base,
      badge: { background: '#777777', text: '#888888', accent: '#000000' },
    });
    expect(low.success).toBe(false);
    expect(JSON.stringify(low.error?.issues)).toContain('4.5:1');
    const good = { background: '#163a78', text: '#ffffff', accent: '#ffbf47' };
    expect(trackFrontMatter.safeParse({ ...base, badge: good }).success).toBe(true);
  });

  it('offers baked badges whose embedded credential is the signed one, and it verifies', async () => {
    const png = await http().get(`/c/${code}/badge.png`).buffer(true).parse(binary);
    expect(png.headers['content-disposition']).toContain(`badge-${code}.png`);
    const fromPng = JSON.parse(unbakePng(png.body as Buffer)!) as unknown;
    expect(fromPng).toEqual(served);
    const svg = await http().get(`/c/${code}/badge.svg`).buffer(true).parse(binary);
    expect(JSON.parse(unbakeSvg((svg.body as Buffer).toString('utf8'))!)).toEqual(served);
    const checked = await http()
      .post('/verify')
      .type('form')
      .send({ credential: JSON.stringify(fromPng) });
    expect(checked.text).toContain('Credential verified');
    const page = await http().get(`/c/${code}`);
    expect(page.text).toContain(`src="/badges/${kit.track.id}.png"`);
    expect(page.text).toContain(`href="/c/${code}/badge.png"`);
    const pdf = await http().get(`/c/${code}/certificate.pdf`).buffer(true).parse(binary);
    // The QR code and the badge.
    expect(
      (pdf.body as Buffer).toString('latin1').match(/\/Subtype \/Image/g)?.length,
    ).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ['/.well-known/did.json', 'application/did+json'],
    ['/issuer', 'application/json'],
    ['/status/1', 'application/json'],
    ['credential', 'application/json'],
  ])('%s answers any origin, preflights included, and never reads or sets a session', async (path, type) => {
    const url = path === 'credential' ? `/c/${code}/credential.json` : path;
    const preflight = await http()
      .options(url)
      .set('Origin', 'https://verifier.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'accept');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toContain('GET');
    const admin = await createUser(t.dataSource.manager, { role: 'admin' });
    const agent = await signedInAgent(t.app, admin.email);
    const response = await agent.get(url).set('Origin', 'https://verifier.example');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain(type);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('serves the DID document with every key as a Multikey assertion method', async () => {
    await t.dataSource.transaction((m) => kit.keys.rotate(m, null));
    const did = didWebFromBaseUrl('http://academy.test');
    const document = (await http().get('/.well-known/did.json')).body as Record<string, unknown>;
    expect(document).toMatchObject({
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: did,
      alsoKnownAs: ['http://academy.test/issuer'],
      assertionMethod: [`${did}#key-1`, `${did}#key-2`],
    });
    expect(document.verificationMethod).toEqual([
      expect.objectContaining({ id: `${did}#key-1`, type: 'Multikey', controller: did }),
      expect.objectContaining({ id: `${did}#key-2`, type: 'Multikey', controller: did }),
    ]);
    expect(JSON.stringify(document)).not.toMatch(/secret/i);
  });

  it('says Vary: Accept on the certificate URL that answers HTML or JSON', async () => {
    const html = await http().get(`/c/${code}`);
    const json = await http().get(`/c/${code}`).set('Accept', 'application/ld+json');
    expect(html.headers['content-type']).toContain('text/html');
    expect(json.headers['content-type']).toContain('application/json');
    for (const response of [html, json]) expect(response.headers.vary).toMatch(/Accept/);
    expect(json.headers['access-control-allow-origin']).toBe('*');
  });
});
