/** A text that a value encodes. */
export interface Decoded {
  readonly encoding: 'hex' | 'base64' | 'base64url' | 'base32';
  readonly text: string;
}

/** Which of the four encodings: charged whenever a value is read as encoded text. */
export const ENCODING_BITS = 2;

/** Shortest encoded text worth decoding: 4 bytes of base32. */
const MIN_ENCODED_LENGTH = 8;

/**
 * The printable ASCII text `token` encodes in hexadecimal (one case), base64, base64url or base32
 * (RFC 4648), if any. Random bytes are all printable once in (256/95)^n, so a random value of 16
 * bytes or more practically never decodes to text.
 */
export function decodeText(token: string): Decoded | undefined {
  if (token.length < MIN_ENCODED_LENGTH) {
    return undefined;
  }
  let bytes: Buffer | undefined;
  let encoding: Decoded['encoding'] | undefined;
  if (/^(?:[0-9a-f]{2})+$|^(?:[0-9A-F]{2})+$/.test(token)) {
    [bytes, encoding] = [Buffer.from(token, 'hex'), 'hex'];
  } else if (/^(?:[A-Z2-7]+|[a-z2-7]+)=*$/.test(token) && base32Length(token)) {
    [bytes, encoding] = [base32(token.replace(/=+$/, '').toUpperCase()), 'base32'];
  } else if (/^[A-Za-z0-9+/]+={0,2}$/.test(token) && base64Length(token)) {
    [bytes, encoding] = [Buffer.from(token, 'base64'), 'base64'];
  } else if (/^[A-Za-z0-9_-]+$/.test(token) && base64Length(token)) {
    [bytes, encoding] = [Buffer.from(token, 'base64url'), 'base64url'];
  }
  if (!bytes || !encoding || bytes.length < 4 || !bytes.every((b) => b >= 0x20 && b < 0x7f)) {
    return undefined;
  }
  return { encoding, text: bytes.toString('latin1') };
}

/** Base64 without padding leaves 2 or 3 characters in the last group; with padding, whole groups. */
function base64Length(token: string): boolean {
  return token.includes('=') ? token.length % 4 === 0 : token.length % 4 !== 1;
}

/** Unpadded base32 ends with 2, 4, 5 or 7 characters of a group of 8; padded, it fills whole groups. */
function base32Length(token: string): boolean {
  const core = token.replace(/=+$/, '').length;
  return (core === token.length || token.length % 8 === 0) && [0, 2, 4, 5, 7].includes(core % 8);
}

function base32(core: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...core].map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0')).join('');
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((byte) => parseInt(byte, 2)));
}
