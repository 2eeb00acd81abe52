import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { DataSource } from 'typeorm';
import type { CurriculumCatalog } from '../curriculum/catalog';
import { SharedCache, type ChangeFeed } from '../db/change-feed';
import { bytesToKeep } from '../web/bytes-to-keep';
import { weakEtag } from '../web/etag';
import type * as PdfTools from './certificate-pdf';
import { linkedInUrl } from './linkedin';
import { stateOf, type CertificatesService, type PublicCertificateSummary } from './certificates.service';
import type { BadgeImages } from './badges/badge-images';
import { badgesRouter } from './badges/badges.router';
import { didDocumentAppPath } from './credentials';
import type { IssuerKeysService } from './issuer-keys.service';
import { wantsJson } from './open-documents';
import type { StatusListsService } from './status-lists.service';
import type { VerificationCounter } from './verification-counter';
import { VERIFICATION_CACHE_MS, type VerificationService } from './verification.service';
import type { VerifyLimits } from './verify-limits';
import { verifyRouter } from './verify.router';
import { checksView, claimsOf, statusView } from './view-models';

/**
 * The PDF and QR code makers (pdfkit, fontkit, qrcode: about 35 MB of memory) load on the first PDF
 * or QR request, not at start: many processes never make one.
 */
let loadedPdfTools: typeof PdfTools | undefined;
const pdfTools = () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, on purpose
  (loadedPdfTools ??= require('./certificate-pdf') as typeof PdfTools);

/** The change topic the database notifies when anything behind a public certificate changes. */
export const CERTIFICATES_TOPIC = 'certificates';

interface PublicRouterDeps {
  dataSource: DataSource;
  catalog: CurriculumCatalog;
  certificates: CertificatesService;
  keys: IssuerKeysService;
  lists: StatusListsService;
  badges: BadgeImages;
  verification: VerificationService;
  counter: VerificationCounter;
  feed: ChangeFeed;
  /** The per-address limit shared by every anonymous page (see publicAddressLimit). */
  limited: RequestHandler;
  verifyLimits: VerifyLimits;
}

/** A response body kept in memory with its ETag. */
interface CachedBody {
  at: number;
  body: Buffer;
  etag: string;
}

/**
 * Rendered certificate pages and serialised credentials, so a busy public page neither re-renders
 * nor re-serialises the same certificate on every request. Keys carry everything the body depends
 * on (credential hash, status, status-list versions), and page entries live no longer than a
 * cached signature check, so "checked just now" means the same as before.
 */
class BodyCache {
  private readonly entries = new Map<string, CachedBody>();

  constructor(
    private readonly limit: number,
    private readonly maxAgeMs: number,
  ) {}

  get(key: string): CachedBody | undefined {
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.at < this.maxAgeMs) return entry;
    if (entry) this.entries.delete(key);
    return undefined;
  }

  set(key: string, text: string): CachedBody {
    const body = bytesToKeep(text);
    const entry = { at: Date.now(), body, etag: weakEtag(body) };
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
    return entry;
  }
}

function sendCached(res: Response, type: string, entry: CachedBody): void {
  res.set('ETag', entry.etag);
  res.type(type).send(entry.body);
}

/**
 * Everything the public page shows besides the credential's own claims. Summaries are cached
 * objects: the fixed part of each one's key is worked out once per curriculum version; the state
 * (which turns "expired" with time) is added on every request.
 */
const pageKeys = new WeakMap<PublicCertificateSummary, { version: string; key: string }>();

function pageKey(certificate: PublicCertificateSummary, curriculumVersion: string): string {
  let known = pageKeys.get(certificate);
  if (known?.version !== curriculumVersion) {
    known = { version: curriculumVersion, key: fixedPageKey(certificate, curriculumVersion) };
    pageKeys.set(certificate, known);
  }
  return `${known.key}|${stateOf(certificate)}`;
}

function fixedPageKey(certificate: PublicCertificateSummary, curriculumVersion: string): string {
  return JSON.stringify([
    curriculumVersion,
    certificate.code,
    certificate.credentialHash,
    certificate.statusVersions,
    certificate.holderName,
    certificate.trackId,
    certificate.revokedAt?.getTime() ?? null,
    certificate.revokedReason,
    certificate.supersededBy?.code ?? null,
  ]);
}

/** Every path this router serves (for onlyFor in app.ts): keep in step with the routes below. */
export const PUBLIC_CERTIFICATE_PATHS =
  /^\/(issuer|status|c|verify|badges|\.well-known\/did\.json$|did\.json$)(\/|$)/i;

/** What partners use, without an account: certificate pages, the verifier, and our public keys. */
export function publicCertificatesRouter(deps: PublicRouterDeps): Router {
  const { dataSource, catalog, certificates, keys, lists, verification, counter, badges } = deps;
  const router = Router();
  const manager = dataSource.manager;
  const { limited } = deps;
  // Partners load the same certificates again and again: keep each summary until a certificate,
  // status list or holder name changes in any process (then every summary is read again).
  const summaries = new SharedCache<PublicCertificateSummary>(deps.feed, CERTIFICATES_TOPIC, {
    max: 5_000,
    ttlMs: 60_000,
  });
  const summaryOf = (req: Request) => {
    const code = String(req.params.code);
    return summaries.get(code, () => certificates.publicSummary(manager, code));
  };

  // The DID document, where did:web resolution looks for it.
  router.get(didDocumentAppPath(keys.issuer.url), limited, async (_req, res) => {
    res
      .type('application/did+json')
      .set('Cache-Control', 'public, max-age=300')
      .send(JSON.stringify(await keys.didDocument(manager)));
  });

  // The issuer document of credentials issued before the DID.
  router.get('/issuer', limited, async (_req, res) => {
    res
      .type('application/json')
      .set('Cache-Control', 'public, max-age=300')
      .send(await keys.issuerDocument(manager));
  });

  router.use(badgesRouter({ dataSource, catalog, certificates, badges, limited }));

  router.get('/status/:listId', limited, async (req, res) => {
    const listId = Number(req.params.listId);
    const credential =
      Number.isInteger(listId) && listId > 0
        ? await lists.credential(manager, listId, verification.documentLoader(manager))
        : null;
    if (!credential) {
      res.status(404).json({ error: 'There is no status list at this address.' });
      return;
    }
    res.type('application/json').set('Cache-Control', 'no-cache').send(credential);
  });

  const pages = new BodyCache(500, VERIFICATION_CACHE_MS);
  const credentials = new BodyCache(2_000, Number.POSITIVE_INFINITY);
  /** The signed credential as stored, serialised once per certificate and credential hash. */
  const credentialJson = async (certificate: PublicCertificateSummary) => {
    const key = `${certificate.id}|${certificate.credentialHash}`;
    return (
      credentials.get(key) ??
      credentials.set(key, JSON.stringify(await certificates.credentialOf(manager, certificate.id)))
    );
  };

  /** The signed JSON: inline for programs asking `/c/<code>` for JSON, a file to save from the download link. */
  const sendJson = async (req: Request, res: Response, download = false) => {
    const certificate = await summaryOf(req);
    counter.count(certificate.id, 'json');
    res.set('Cache-Control', 'no-cache');
    if (download) res.attachment(`certificate-${certificate.code}.json`);
    sendCached(res, 'application/json; charset=utf-8', await credentialJson(certificate));
  };

  router.get('/c/:code', limited, async (req, res) => {
    // One URL, two types (the page, or the credential for Accept: application/json).
    res.set('Vary', 'Accept');
    if (wantsJson(req)) return sendJson(req, res);
    const certificate = await summaryOf(req);
    counter.count(certificate.id, 'page');
    // The header shows a signed-in viewer's name and sign-out form (with their CSRF token), so
    // only anonymous views without a one-time message are cached, and only in production.
    const flash = res.locals.flash as unknown[] | undefined;
    const cacheable = !req.user && !flash?.length && req.app.enabled('view cache');
    const key = pageKey(certificate, catalog.current().version);
    const cached = cacheable ? pages.get(key) : undefined;
    if (cached) return sendCached(res, 'html', cached);
    const credential = await certificates.credentialOf(manager, certificate.id);
    const claims = claimsOf(credential);
    const track = catalog.current().trackById.get(certificate.trackId);
    const url = certificates.urlOf(certificate.code);
    const check = checksView(await verification.verify(manager, credential));
    const html = await new Promise<string>((resolve, reject) =>
      res.render(
        'certificates/show',
        {
          pageTitle: `${certificate.holderName}: ${claims.achievementName}`,
          url,
          code: certificate.code,
          claims,
          status: statusView(certificate),
          check,
          // Only a certificate in force is offered for a profile: not a revoked, expired or superseded one.
          linkedInUrl:
            stateOf(certificate) === 'valid' &&
            linkedInUrl({
              name: claims.achievementName,
              organization: keys.issuer.name,
              issued: certificate.awardedAt,
              expires: certificate.validUntil,
              url,
              code: certificate.code,
            }),
          trackTitle: track?.title ?? certificate.trackId,
          badgeImage: `/badges/${certificate.trackId}.png`,
        },
        (error: Error | null, rendered: string) => (error ? reject(error) : resolve(rendered)),
      ),
    );
    if (cacheable) return sendCached(res, 'html', pages.set(key, html));
    res.type('html').send(html);
  });
  router.get('/c/:code/credential.json', limited, (req, res) => sendJson(req, res, true));

  router.get('/c/:code/certificate.pdf', limited, async (req, res) => {
    const certificate = await certificates.byCode(manager, String(req.params.code));
    counter.count(certificate.id, 'pdf');
    const claims = claimsOf(certificate.credential);
    const badgeTrack = catalog.current().trackById.get(certificate.trackId);
    const pdf = await pdfTools().certificatePdf({
      holderName: claims.holder,
      certificateName: claims.achievementName,
      trackTitle: catalog.current().trackById.get(certificate.trackId)?.title ?? certificate.trackId,
      awardedOn: claims.awarded ?? '',
      validUntil: claims.expires,
      issuerName: claims.issuerName,
      issuerUrl: claims.issuerUrl,
      verifyUrl: certificates.urlOf(certificate.code),
      notInForce: notInForce(statusView(certificate), certificates.urlOf.bind(certificates)),
      badgePng: badgeTrack ? badges.png(badgeTrack) : undefined,
    });
    res.type('application/pdf').attachment(`certificate-${certificate.code}.pdf`).send(pdf);
  });

  router.get('/c/:code/qr.png', limited, async (req, res) => {
    const certificate = await certificates.byCode(manager, String(req.params.code));
    res
      .type('image/png')
      .set('Cache-Control', 'public, max-age=86400')
      .send(await pdfTools().qrPng(certificates.urlOf(certificate.code)));
  });

  router.use(
    verifyRouter({ dataSource, certificates, verification, counter, limits: deps.verifyLimits, limited }),
  );

  return router;
}

/** What a printed certificate that is no longer in force says instead of "Valid until"; null when in force. */
function notInForce(
  status: ReturnType<typeof statusView>,
  urlOf: (code: string) => string,
): { label: string; detail: string } | null {
  if (status.state === 'revoked') {
    return {
      label: `REVOKED on ${status.revokedOn ?? 'an earlier date'}`,
      detail: 'The issuer has revoked this certificate: it is no longer valid.',
    };
  }
  if (status.state === 'expired') {
    return { label: `EXPIRED on ${status.expiredOn}`, detail: 'This certificate is no longer valid.' };
  }
  if (status.state === 'superseded') {
    const newer = status.supersededByCode ? `: see ${urlOf(status.supersededByCode)}` : '.';
    return { label: 'SUPERSEDED', detail: `The issuer replaced this certificate with a newer one${newer}` };
  }
  return null;
}
