/**
 * Template ids: a 64-bit hash of the template text printed as 16 hex digits, so every process
 * that learns the same template names it the same way. Two independent 32-bit lanes
 * (FNV-1a and a Murmur3-style mix with another seed) make the 64 bits without BigInt.
 */
export function templateId(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= text.length;
  b ^= text.length;
  return hex32(fmix(a)) + hex32(fmix(b ^ a));
}

/** Murmur3's finaliser: spreads every input bit over the output. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
