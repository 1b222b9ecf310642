/** The declaration ledger: entry types, identities, the hash chain, the verifier, the audit and the register. Pure. */
export { auditLedger, type AuditOptions, type OutputListing, type StoredObject, type Violation } from './audit';
export { canonicalJson, CanonicalJsonError, sha256Hex } from './canonical';
export {
  fileNameFor,
  GENESIS_HASH,
  hashOf,
  headOf,
  LEDGER_PREFIX,
  LedgerEntryError,
  linkProblem,
  nextEntry,
  objectKeyFor,
  parseEntry,
  validateBody,
} from './chain';
export {
  claimIdentityOf,
  declarationDifferences,
  declarationIdentity,
  deliveryIdentity,
  finalReceiptIdentity,
  isFinalStatus,
  NULL_VERSION_ID,
  type RuleVersion,
  type SourceVersion,
} from './identity';
export { summarizeLedger, type DeliveryStatus, type LedgerSummary, type TransferRecord } from './register';
export {
  DeclarationBodySchema,
  DeclarationEntrySchema,
  FINAL_STATUSES,
  FIRST_SEQ,
  LedgerBodySchema,
  LedgerEntrySchema,
  MAX_SEQ,
  NoticeBodySchema,
  NoticeEntrySchema,
  RECEIPT_STATUSES,
  ReceiptBodySchema,
  ReceiptEntrySchema,
  ErasureBodySchema,
  SuppressionBodySchema,
  type ErasureBody,
  type ErasureEntry,
  type SuppressionBody,
  type SuppressionEntry,
  type DeclarationBody,
  type DeclarationEntry,
  type LedgerBody,
  type LedgerEntry,
  type LedgerHead,
  type NoticeBody,
  type NoticeEntry,
  type ReceiptBody,
  type ReceiptEntry,
  type ReceiptStatus,
} from './schema';
export { verifyChain, type ChainBreak, type ChainVerdict, type EntrySource, type VerifyOptions } from './verify';
