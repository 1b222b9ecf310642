/**
 * The data plane core: pure functions shared by the `residency` CLI and the gateway Lambda.
 * No AWS SDK, no file or network I/O, no environment.
 */
export { CATEGORIES, LEVEL_OF, highestLevel, isCategory, type Category, type Level } from './categories';
export { findIdentifiers, placeholder, wholeValueCategory } from './detectors/identifiers';
export type { IdentifierMatch } from './detectors/match';
export { cnResidentIdCheckChar, isCnResidentId } from './detectors/cn-resident-id';
export { isBankCardDigits, passesLuhn } from './detectors/bank-card';
export { isCnMobileDigits } from './detectors/cn-mobile';
export {
  containsTrackData,
  isSensitiveAuthFieldName,
  sensitiveAuthDataInField,
  sensitiveAuthDataInText,
  type SensitiveAuthKind,
} from './detectors/sensitive-auth-data';
export { canonicalText, originalSpans } from './text/canonical';
export { isTransactionIdFieldName } from './detectors/payment-transaction-id';
export {
  loadTransferRule,
  parseTransferRule,
  PLAIN_TRANSFORMS,
  transferRuleJsonSchema,
  TransferRuleError,
  transformOf,
  TRANSFORMS,
  type FieldRule,
  type OtherFieldsTransform,
  type PlainTransform,
  type Transform,
  type TransferRule,
} from './transfer-rule';
export { compileShape, describeShape, NAMED_SHAPES, type KeepRule, type MismatchAction, type NamedShape, type Shape } from './shapes';
export { MIN_TOKEN_KEY_BYTES, tokenize, tokenKeyFromBytes, tokenKeyFromHex, TokenKeyError, type TokenKey, type TokenType } from './tokens';
export { REDACTED, emptyCounts, addCounts, type TransformCounts } from './transforms';
export {
  compileTransferRule,
  desensitizeRecord,
  findSensitiveAuthData,
  type DesensitizePlan,
  type DesensitizeResult,
  type QuarantineReason,
} from './desensitize';
export { Inventory, type FieldFinding, type InventoryReport, type InventorySnapshot } from './scan';
export { JsonNumber, isJsonNumber } from './json/json-number';
export { readJsonLine, readJsonRecord, type JsonRecordRead } from './json/read-record';
export { stringifyExact } from './json/stringify-exact';
export { describeKey, describePath, withoutIdentifiers } from './diagnostics';
export {
  CSV_DELIMITERS,
  csvDecidedEnd,
  csvDialectDisagreement,
  csvFields,
  CsvScanner,
  DEFAULT_CSV_DELIMITER,
  describeDelimiter,
  formatCsvRow,
  isCsvDelimiter,
  sampleCsv,
  sniffCsvDelimiter,
  type CsvDelimiter,
  type CsvSample,
  type CsvSpan,
} from './csv';
export {
  countLines,
  MAX_DEPTH,
  type BatchOptions,
  MAX_RECORD_BYTES,
  type DesensitizedBatch,
  type QuarantineEntry,
  type QuarantineReasonCode,
  type RecordFormat,
} from './batch';
export { desensitizeJsonl, forEachLine, scanJsonl } from './records';
export { csvLayout, CsvHeaderError, csvOutputColumns, desensitizeCsv, forEachCsvRecord, scanCsv, type CsvLayout } from './csv-records';
