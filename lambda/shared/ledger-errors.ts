/** Why a ledger append stopped. */

/** Every attempt found its seq taken by another writer. The claim stands: a retry continues it. */
export class LedgerContentionError extends Error {
  constructor(
    public readonly attempts: number,
    public readonly lastSeq: number | undefined,
  ) {
    super(
      `ledger append gave up after ${attempts} attempts: other writers kept taking the next seq ` +
        `(last planned: ${lastSeq === undefined ? 'none' : `seq ${lastSeq}`}); the entry is claimed but not written, retry it`,
    );
    this.name = 'LedgerContentionError';
  }
}

/** The ledger is not in a state an append may build on; a person must look (run `residency ledger verify`). */
export class LedgerIntegrityError extends Error {
  constructor(message: string) {
    super(`${message}; appends stop here until the ledger is checked with "residency ledger verify"`);
    this.name = 'LedgerIntegrityError';
  }
}
