/**
 * Deterministic keyed pseudonyms: HMAC-SHA-256 over the category and the normalized value, so the
 * same person gets the same token in every file (joins and distinct counts still work abroad) while
 * nobody without the key can test a guess. The key is passed in: this module never reads the
 * environment or calls KMS (the gateway decrypts a data key once at cold start and hands it here).
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { Category } from './categories';
import { nationalMobileNumber } from './detectors/cn-mobile';
import { canonicalText } from './text/canonical';

export const MIN_TOKEN_KEY_BYTES = 32;

/** A validated HMAC key. Build one with `tokenKeyFromBytes` or `tokenKeyFromHex`. */
export interface TokenKey {
  readonly kind: 'hmac-sha256-token-key';
  readonly key: KeyObject;
}

export class TokenKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenKeyError';
  }
}

export function tokenKeyFromBytes(bytes: Uint8Array): TokenKey {
  if (bytes.length < MIN_TOKEN_KEY_BYTES) {
    throw new TokenKeyError(`token key is ${bytes.length} bytes; at least ${MIN_TOKEN_KEY_BYTES} bytes are required`);
  }
  if (bytes.every((b) => b === bytes[0])) {
    throw new TokenKeyError('token key bytes are all the same value; use random key material');
  }
  return { kind: 'hmac-sha256-token-key', key: createSecretKey(Buffer.from(bytes)) };
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

export function tokenKeyFromHex(hex: string): TokenKey {
  const trimmed = hex.trim();
  if (!HEX.test(trimmed)) {
    throw new TokenKeyError('token key must be hex-encoded: pairs of 0-9 a-f characters and nothing else');
  }
  return tokenKeyFromBytes(Buffer.from(trimmed, 'hex'));
}

/** What a token stands for: an identifier category, or `text` for a value no detector recognised. */
export type TokenType = Category | 'text';

const NOT_A_DIGIT = /\D/g;
const NOT_AN_ID_CHARACTER = /[^0-9X]/g;

/**
 * The same identifier written differently (`138 0013 8000`, `+86.138.0013.8000`, `１３８…`) gets the
 * same token: values are read in their canonical form (the detectors' view) first.
 */
function normalizeForToken(type: TokenType, value: string): string {
  switch (type) {
    case 'cn_mobile':
      return nationalMobileNumber(canonicalText(value).replace(NOT_A_DIGIT, ''));
    case 'bank_card':
      return canonicalText(value).replace(NOT_A_DIGIT, '');
    case 'cn_resident_id':
      return canonicalText(value).toUpperCase().replace(NOT_AN_ID_CHARACTER, '');
    case 'email':
      return canonicalText(value).trim().toLowerCase();
    default:
      return value;
  }
}

/** `tok_<type>_<43 base64url characters>`. */
export function tokenize(key: TokenKey, type: TokenType, value: string): string {
  const mac = createHmac('sha256', key.key).update(type).update('\u0000').update(normalizeForToken(type, value)).digest('base64url');
  return `tok_${type}_${mac}`;
}
