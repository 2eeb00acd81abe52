import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { didWebFromBaseUrl } from '../../src/certificates/credentials';
import { createUser } from '../helpers/factories';
import { certificateKit } from '../certificates/kit';
import { launchBrowser, startBrowserApp, type RunningApp } from './helpers';

/**
 * A verifier's page on another origin (a second server, another port) reads our credential JSON
 * and DID document with fetch(), as browser-based verifiers such as VerifierPlus do.
 */
const verifierPage = (appBase: string, code: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another origin</title></head>
<body><main><h1>Verifier on another origin</h1><pre id="out">working</pre></main>
<script>
(async () => {
  const read = async (url, init) => {
    try {
      const response = await fetch(url, init);
      return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
    } catch (error) {
      return { error: String(error) };
    }
  };
  const results = {
    credential: await read(${JSON.stringify(`${appBase}/c/${code}/credential.json`)}),
    negotiated: await read(${JSON.stringify(`${appBase}/c/${code}`)}, { headers: { Accept: 'application/ld+json' } }),
    did: await read(${JSON.stringify(`${appBase}/.well-known/did.json`)}),
    // A custom header makes the browser send a CORS preflight first.
    preflighted: await read(${JSON.stringify(`${appBase}/status/1`)}, { headers: { 'X-Verifier': 'test' } }),
  };
  document.getElementById('out').textContent = JSON.stringify(results);
})();
</script></body></html>`;

describe('documents open to other origins, in a real browser', () => {
  let running: RunningApp;
  let browser: Browser;
  let other: http.Server;
  let otherOrigin: string;
  let code: string;

  beforeAll(async () => {
    running = await startBrowserApp();
    const kit = certificateKit(running.t);
    const holder = await createUser(running.t.dataSource.manager, { displayName: 'Cross Origin' });
    code = (await kit.certify(holder.id)).code;
    other = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(verifierPage(running.baseUrl, code));
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    // "localhost" and a different port: another origin than the app's http://127.0.0.1:<port>.
    otherOrigin = `http://localhost:${(other.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    other?.closeAllConnections();
    await new Promise<void>((resolve) => (other ? other.close(() => resolve()) : resolve()));
    await running?.close();
  });

  it('a page on another origin fetches the credential JSON and the DID document', async () => {
    const page = await browser.newPage();
    await page.goto(`${otherOrigin}/`);
    await page.waitForFunction("document.getElementById('out').textContent !== 'working'");
    const results = JSON.parse((await page.textContent('#out'))!) as Record<
      string,
      { status?: number; type?: string; body?: Record<string, unknown>; error?: string }
    >;
    const did = didWebFromBaseUrl(running.baseUrl);
    expect(results.credential).toMatchObject({ status: 200, body: { id: `${running.baseUrl}/c/${code}` } });
    expect(results.credential.body?.issuer).toMatchObject({ id: did });
    expect(results.negotiated).toMatchObject({ status: 200, body: { id: `${running.baseUrl}/c/${code}` } });
    expect(results.did).toMatchObject({ status: 200, body: { id: did } });
    expect(results.did.type).toContain('application/did+json');
    expect(results.preflighted.status).toBe(200);
    expect(results.preflighted.body?.type).toContain('BitstringStatusListCredential');
    await page.close();
  });
});
