import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

/**
 * The official SARIF 2.1.0 JSON schema (OASIS, sarif-spec `sarif-2.1/schema/sarif-schema-2.1.0.json`,
 * errata 01), shipped in test/report/schemas so the check runs offline.
 */
export const SARIF_SCHEMA_FILE = path.join(__dirname, '..', 'schemas', 'sarif-schema-2.1.0.json');

let validate: ReturnType<Ajv['compile']> | undefined;

/** Every way `log` breaks the official SARIF 2.1.0 schema, one readable line each (empty: valid). */
export function sarifSchemaErrors(log: unknown): string[] {
  if (validate === undefined) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(fs.readFileSync(SARIF_SCHEMA_FILE, 'utf8')));
  }
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
