import { bytesToKeep } from '../../src/web/bytes-to-keep';

describe('bytesToKeep', () => {
  it('holds exactly the UTF-8 bytes of the text, in memory of its own', () => {
    const page = `<h1>Certificate for Zoë Ødegård</h1>${'<p>genuine and in force</p>'.repeat(400)}`;
    const bytes = bytesToKeep(page);

    expect(bytes.toString('utf8')).toBe(page);
    expect(bytes.length).toBe(Buffer.byteLength(page));
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.length);
  });

  it('gives each body its own memory, where Buffer.from may share a pool slab', () => {
    const first = bytesToKeep('a'.repeat(3000));
    const second = bytesToKeep('b'.repeat(3000));

    expect(first.buffer).not.toBe(second.buffer);
    expect(first.buffer.byteLength).toBe(3000);
  });

  it('keeps an empty body empty', () => {
    expect(bytesToKeep('').length).toBe(0);
  });
});
