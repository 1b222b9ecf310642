/** The field shapes every append-only record of the project uses (ledger and incident entries). */
import { z } from 'zod';

export const text = z.string().min(1, 'must not be empty');
export const count = z.number().int('must be a whole number').nonnegative('must not be negative');
export const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 digest: 64 lowercase hex digits');
export const instant = z.iso.datetime({ message: 'must be an ISO 8601 UTC time such as 2026-03-31T08:00:00.000Z' });
// A pattern rather than the project's region table: the records say what happened, and a region
// added to the table later must not make old entries unreadable.
export const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region code such as ap-southeast-1');
export const country = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as SG');
