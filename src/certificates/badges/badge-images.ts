import type { CurriculumTrack } from '../../curriculum/curriculum.types';
import { badgePng, badgeSvg } from './badge-art';

/**
 * Every track's badge artwork, drawn once per track version and kept in memory: a few tracks, a
 * few tens of kilobytes each. Rendering a PNG takes tens of milliseconds, so it is never redone
 * per request.
 */
export class BadgeImages {
  private readonly drawn = new Map<string, { version: string; svg: string; png: Buffer }>();

  constructor(private readonly issuerName: string) {}

  private draw(track: CurriculumTrack) {
    let entry = this.drawn.get(track.id);
    if (entry?.version !== track.version) {
      const svg = badgeSvg(track, this.issuerName);
      entry = { version: track.version, svg, png: badgePng(svg) };
      this.drawn.set(track.id, entry);
    }
    return entry;
  }

  svg(track: CurriculumTrack): string {
    return this.draw(track).svg;
  }

  png(track: CurriculumTrack): Buffer {
    return this.draw(track).png;
  }
}

/** Where a track's badge PNG is published (the credential's achievement.image). */
export function badgeUrl(baseUrl: string, trackId: string, type: 'png' | 'svg' = 'png'): string {
  return `${baseUrl}/badges/${trackId}.${type}`;
}
