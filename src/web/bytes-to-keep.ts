/**
 * UTF-8 bytes of `text` in memory of their own, for bodies a cache keeps for a long time.
 * `Buffer.from(text)` hands out slices of a shared pool slab (64 KiB on Node 24, for text up to
 * half of that), and one slice that stays alive keeps its whole slab alive: a cache of 11 KB
 * certificate pages held about 64 KB each.
 */
export function bytesToKeep(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}
