/** The declaration ledger: entry types, the hash chain, the verifier and the transfer register. Pure. */
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
export { summarizeLedger, type DeliveryStatus, type LedgerSummary, type TransferRecord } from './register';
export {
  DeclarationBodySchema,
  DeclarationEntrySchema,
  FIRST_SEQ,
  LedgerBodySchema,
  LedgerEntrySchema,
  MAX_SEQ,
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
  type ReceiptBody,
  type ReceiptEntry,
} from './schema';
export { verifyChain, type ChainBreak, type ChainVerdict, type EntrySource, type VerifyOptions } from './verify';
