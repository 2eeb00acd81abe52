import { Resvg } from '@resvg/resvg-js';
import type { CurriculumTrack } from '../../curriculum/curriculum.types';

/** What a track's badge shows. */
export type BadgeTrack = Pick<CurriculumTrack, 'id' | 'certificateName' | 'badge'>;

const SIZE = 400;
const FONT = "'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif";

/**
 * The track's badge artwork: a round medal in the track's colours with its certificate name and
 * the issuer's name, as SVG. Text colours come from the track's front matter, where the curriculum
 * check holds text and background to WCAG AA contrast.
 */
export function badgeSvg(track: BadgeTrack, issuerName: string): string {
  const { background, text, accent } = track.badge;
  const lines = wrap(track.certificateName, 14, 4);
  // Bold DejaVu Sans averages about 0.68 em a character; the inner ring leaves about 290 px.
  const longest = Math.max(...lines.map((line) => line.length));
  const fontSize = Math.min(lines.length > 3 ? 30 : 36, Math.floor(290 / (longest * 0.68)));
  const lineHeight = fontSize * 1.2;
  const firstY = SIZE / 2 - ((lines.length - 1) * lineHeight) / 2 + fontSize / 3;
  const title = lines
    .map(
      (line, index) =>
        `<text x="${SIZE / 2}" y="${(firstY + index * lineHeight).toFixed(1)}" font-size="${fontSize}" font-weight="700">${escapeXml(line)}</text>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}" role="img">`,
    `<title>${escapeXml(`${track.certificateName}: ${issuerName} certificate badge`)}</title>`,
    `<circle cx="200" cy="200" r="196" fill="${accent}"/>`,
    `<circle cx="200" cy="200" r="180" fill="${background}"/>`,
    `<circle cx="200" cy="200" r="164" fill="none" stroke="${text}" stroke-width="2" stroke-dasharray="4 6"/>`,
    `<g fill="${text}" font-family="${FONT}" text-anchor="middle">`,
    `<text x="200" y="96" font-size="18" letter-spacing="2">${escapeXml(issuerName.toUpperCase().slice(0, 28))}</text>`,
    title,
    `<text x="200" y="322" font-size="18" letter-spacing="2">CERTIFIED</text>`,
    '</g>',
    `<path d="M150 338 L200 352 L250 338" fill="none" stroke="${accent}" stroke-width="6" stroke-linecap="round"/>`,
    '</svg>',
  ].join('');
}

/** The badge as a PNG (512 px square), rendered with resvg from the SVG. */
export function badgePng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: 512 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/** Words on lines of at most `width` characters (a longer word gets its own line), at most `max` lines. */
function wrap(text: string, width: number, max: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && `${last} ${word}`.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  if (lines.length <= max) return lines;
  return [
    ...lines.slice(0, max - 1),
    `${lines
      .slice(max - 1)
      .join(' ')
      .slice(0, width - 1)}…`,
  ];
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
