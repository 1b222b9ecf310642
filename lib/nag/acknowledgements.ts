import type { Acknowledgement } from './acknowledgement-register';

/**
 * Every acknowledged check-pack finding of this project, with its reason, owner and review date.
 * Keep it short: fix the resource first; acknowledge only a real conflict (e.g. a pack that wants
 * cross-region replication of data whose residency forbids it).
 */
export const ACKNOWLEDGEMENTS: readonly Acknowledgement[] = [];
