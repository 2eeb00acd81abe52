import helmet from 'helmet';
import type { Request, RequestHandler } from 'express';

/**
 * Browser features the app never uses, all turned off (helmet has no Permissions-Policy). The app runs
 * no script that needs a camera, a location or a payment sheet; a page that is ever injected into
 * cannot ask for them either.
 */
export const PERMISSIONS_POLICY = [
  'accelerometer',
  'autoplay',
  'camera',
  'display-capture',
  'encrypted-media',
  'fullscreen',
  'geolocation',
  'gyroscope',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'picture-in-picture',
  'publickey-credentials-get',
  'screen-wake-lock',
  'sync-xhr',
  'usb',
  'xr-spatial-tracking',
]
  .map((feature) => `${feature}=()`)
  .join(', ');

export const permissionsPolicy: RequestHandler = (_req, res, next) => {
  res.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
  next();
};

/** Paths whose URL or page carries a secret: one-time links, the setup link, the calendar feed, unsubscribe links. */
const SECRET_PATHS =
  /^\/(invites\/|password\/reset\/|setup(\/|$)|calendar\/|join\/confirm\/|partners\/(confirm|status)\/|introductions\/|notifications\/unsubscribe\/)/;

function carriesSecret(req: Request): boolean {
  return SECRET_PATHS.test(req.path) || /[?&]token=/.test(req.originalUrl);
}

/**
 * `Cache-Control: no-store` on every response to a signed-in person (their pages show their data;
 * the outbox shows live reset links) and on every response whose URL or page carries a token, so no
 * browser or shared cache keeps a copy. Runs after the session is restored; a route that serves the
 * same public bytes to everyone (the issuer document, a QR code) may still set its own policy.
 */
export const noStoreWhenPrivate: RequestHandler = (req, res, next) => {
  if (req.user || carriesSecret(req)) res.setHeader('Cache-Control', 'no-store');
  next();
};

/** Security headers: a CSP with no inline scripts or styles, no framing, no <base> tricks. */
export function securityHeaders(secure: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        ...(secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: secure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
}
