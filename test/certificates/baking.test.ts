import { deflateSync } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import extractChunks from 'png-chunks-extract';
import encodeChunks from 'png-chunks-encode';
import { bakePng, bakeSvg, encodeITxt, OPEN_BADGES_XMLNS } from '../../src/certificates/baking';
import { unbakePng as unbakePngBytes, unbakeSvg as unbakeSvgBytes } from '../../src/certificates/unbaking';

const unbakePng = (png: Uint8Array): string | null => unbakePngBytes(Buffer.from(png), 1024 * 1024);
const unbakeSvg = (svg: string): string | null => unbakeSvgBytes(Buffer.from(svg, 'utf8'));

const SVG =
  '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="#163a78"/></svg>';
const PNG = new Resvg(SVG).render().asPng();
// Non-ASCII text, and the one sequence CDATA cannot hold.
const CREDENTIAL = JSON.stringify({ name: 'Zoë Organizer 🎉', narrative: 'a]]>b & <c>' });

describe('baked badges (Open Badges 3.0 baking)', () => {
  it('bakes the credential into a PNG iTXt chunk named openbadgecredential, and reads it back', () => {
    const baked = bakePng(PNG, CREDENTIAL);
    const chunks = extractChunks(baked); // checks every CRC
    expect(chunks.map((chunk) => chunk.name)).toEqual([
      'IHDR',
      'iTXt',
      ...extractChunks(PNG)
        .slice(1)
        .map((c) => c.name),
    ]);
    expect(Buffer.from(chunks[1].data).subarray(0, 20).toString('latin1')).toBe('openbadgecredential\0');
    expect(unbakePng(baked)).toBe(CREDENTIAL);
    // Still an image a renderer reads.
    expect(
      new Resvg(
        `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="8" height="8"><image width="8" height="8" xlink:href="data:image/png;base64,${baked.toString('base64')}"/></svg>`,
      ).render().width,
    ).toBe(8);
  });

  it('re-baking replaces the credential instead of adding a second one', () => {
    const twice = bakePng(bakePng(PNG, '{"a":1}'), CREDENTIAL);
    expect(extractChunks(twice).filter((chunk) => chunk.name === 'iTXt')).toHaveLength(1);
    expect(unbakePng(twice)).toBe(CREDENTIAL);
  });

  it('reads a compressed iTXt chunk, and says null for an unbaked PNG', () => {
    const chunks = extractChunks(PNG);
    const header = Buffer.concat([Buffer.from('openbadgecredential\0', 'latin1'), Buffer.from([1, 0, 0, 0])]);
    chunks.splice(1, 0, {
      name: 'iTXt',
      data: Buffer.concat([header, deflateSync(Buffer.from(CREDENTIAL))]),
    });
    expect(unbakePng(encodeChunks(chunks))).toBe(CREDENTIAL);
    expect(unbakePng(PNG)).toBeNull();
    expect(() => unbakePng(Buffer.from('not a png at all'))).toThrow(/png/i);
  });

  it('encodes iTXt exactly as the PNG spec lays it out', () => {
    expect([...encodeITxt('k', 'é')]).toEqual([0x6b, 0, 0, 0, 0, 0, 0xc3, 0xa9]);
    expect(() => encodeITxt('', 'x')).toThrow(/keyword/);
  });

  it('bakes the credential into an SVG as <openbadges:credential> with CDATA, and reads it back', () => {
    const baked = bakeSvg(SVG, CREDENTIAL);
    expect(baked).toContain(`xmlns:openbadges="${OPEN_BADGES_XMLNS}"`);
    expect(baked).toMatch(/<svg [^>]*><openbadges:credential><!\[CDATA\[/);
    expect(unbakeSvg(baked)).toBe(CREDENTIAL);
    expect(unbakeSvg(bakeSvg(baked, '{"b":2}'))).toBe('{"b":2}');
    expect(bakeSvg(baked, '{"b":2}').match(/openbadges:credential>/g)).toHaveLength(2);
    // Still renders.
    expect(new Resvg(baked).render().width).toBe(8);
  });

  it('reads a credential written as escaped text rather than CDATA; null when there is none', () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="${OPEN_BADGES_XMLNS}">
      <openbadges:credential>{&quot;a&quot;:&#34;&lt;b&gt;&#x26;&quot;}</openbadges:credential></svg>`;
    expect(unbakeSvg(svg)).toBe('{"a":"<b>&"}');
    expect(unbakeSvg(SVG)).toBeNull();
    expect(() => bakeSvg('<html></html>', '{}')).toThrow(/not an SVG/);
  });
});
