// Snapshot serializer: replaces content hashes of CDK assets (64 hex chars, optionally with an
// extension such as .zip/.json) so a rebuild of a Lambda bundle does not churn the snapshots.
const ASSET_HASH = /[0-9a-f]{64}(\.(zip|json))?/g;

module.exports = {
  test: (value) => typeof value === 'string' && /[0-9a-f]{64}/.test(value),
  serialize: (value) => JSON.stringify(value.replace(ASSET_HASH, '[ASSET_HASH]$1')),
};
