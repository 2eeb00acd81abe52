import { Router, type RequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import type { CurriculumCatalog } from '../../curriculum/catalog';
import { NotFound } from '../../web/errors';
import { bakePng, bakeSvg } from '../baking';
import type { CertificatesService } from '../certificates.service';
import type { BadgeImages } from './badge-images';

interface BadgesRouterDeps {
  dataSource: DataSource;
  catalog: CurriculumCatalog;
  certificates: CertificatesService;
  badges: BadgeImages;
  limited: RequestHandler;
}

/**
 * Badge artwork (/badges/<track>.png|svg, the achievement image) and each certificate's baked
 * badge (/c/<code>/badge.png|svg): the artwork with the signed credential inside, as Open Badges
 * 3.0 specifies, for holders to keep or upload to a badge backpack.
 */
export function badgesRouter({
  dataSource,
  catalog,
  certificates,
  badges,
  limited,
}: BadgesRouterDeps): Router {
  const router = Router();
  const manager = dataSource.manager;
  const trackOf = (trackId: string) => {
    const track = catalog.current().trackById.get(trackId);
    if (!track) throw new NotFound('There is no badge at this address.');
    return track;
  };

  router.get('/badges/:file', limited, (req, res) => {
    const match = /^([a-z0-9-]+)\.(png|svg)$/.exec(String(req.params.file));
    if (!match) throw new NotFound('There is no badge at this address.');
    const track = trackOf(match[1]);
    res.set('Cache-Control', 'public, max-age=3600');
    if (match[2] === 'png') res.type('image/png').send(badges.png(track));
    else res.type('image/svg+xml').send(badges.svg(track));
  });

  router.get('/c/:code/badge.:type', limited, async (req, res) => {
    const type = String(req.params.type);
    if (type !== 'png' && type !== 'svg') throw new NotFound('There is no badge at this address.');
    const certificate = await certificates.byCode(manager, String(req.params.code));
    const track = trackOf(certificate.trackId);
    const json = JSON.stringify(certificate.credential);
    res.set('Cache-Control', 'no-cache').attachment(`badge-${certificate.code}.${type}`);
    if (type === 'png') res.type('image/png').send(bakePng(badges.png(track), json));
    else res.type('image/svg+xml').send(bakeSvg(badges.svg(track), json));
  });

  return router;
}
