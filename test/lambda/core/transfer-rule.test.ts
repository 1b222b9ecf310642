import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTransferRule, parseTransferRule, transferRuleJsonSchema, TransferRuleError } from '../../../lambda/core/transfer-rule';
import { exampleRuleJson, IN_FORCE, RULE_FILE } from './support';

function problemsOf(json: unknown, now = IN_FORCE): readonly string[] {
  try {
    loadTransferRule(json, 'rules/x.json', now);
  } catch (err) {
    if (err instanceof TransferRuleError) return err.problems;
    throw err;
  }
  throw new Error('the rule was accepted');
}

describe('transfer rules', () => {
  test('the shipped example rule is valid and in force until the end of 2027', () => {
    const rule = loadTransferRule(exampleRuleJson(), RULE_FILE, IN_FORCE);
    expect(rule).toMatchObject({ id: 'sg-settlement', destination: { region: 'ap-southeast-1', country: 'SG' }, otherFields: 'drop' });
    expect(() => loadTransferRule(exampleRuleJson(), RULE_FILE, new Date('2027-12-31T23:59:59Z'))).not.toThrow();
  });

  test('otherFields defaults to drop', () => {
    const withoutOtherFields = exampleRuleJson();
    delete withoutOtherFields.otherFields;
    expect(loadTransferRule(withoutOtherFields, 'x', IN_FORCE).otherFields).toBe('drop');
  });

  test('every schema problem is listed with key, value and expectation', () => {
    const problems = problemsOf({
      ...exampleRuleJson(),
      version: 0,
      extra: true,
      destination: { region: 'ap-mars-1', recipient: '' },
      validFrom: '2026-02-30',
      fields: { 'payer.idNumber': 'hash', 'bad..path': 'drop' },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'key version: value 0: expected a whole number of 1 or more',
        expect.stringMatching(/^key destination\.region: value "ap-mars-1": expected a known AWS region: .*ap-southeast-1/),
        'key destination.country: missing; it is required',
        'key destination.recipient: value "": expected the legal name of the receiving party',
        'key validFrom: value "2026-02-30": expected a real calendar date written YYYY-MM-DD',
        'key fields["payer.idNumber"]: value "hash": expected one of drop, last4, mask_pan, token, redact, or {"keep": <shape>}',
        expect.stringContaining('key fields["bad..path"]: expected a dotted field path'),
        '(top level): unknown key "extra"',
      ]),
    );
    expect(problems).toHaveLength(8);
  });

  test('the destination country must be the region’s', () => {
    expect(problemsOf({ ...exampleRuleJson(), destination: { region: 'ap-southeast-1', country: 'MY', recipient: 'X' } })).toEqual([
      'key destination.country: value "MY": expected "SG", the country of region ap-southeast-1',
    ]);
  });

  test('overlapping paths and reversed dates are refused', () => {
    const problems = problemsOf({ ...exampleRuleJson(), validFrom: '2027-01-01', validUntil: '2026-01-01', fields: { payer: 'redact', 'payer.idNumber': 'last4' } });
    expect(problems).toEqual([
      'key validUntil: value "2026-01-01": expected a date on or after validFrom (2027-01-01)',
      'key fields: "payer" and "payer.idNumber" overlap; name either the object or fields inside it, not both',
    ]);
  });

  test.each([
    ['2028-01-01T00:00:00Z', 'rule "sg-settlement" has expired: validUntil 2027-12-31 is before today (2028-01-01, UTC)'],
    ['2025-12-31T23:59:59Z', 'rule "sg-settlement" is not yet valid: validFrom 2026-01-01 is after today (2025-12-31, UTC)'],
  ])('at %s the rule is refused with the dates', (now, message) => {
    expect(problemsOf(exampleRuleJson(), new Date(now))).toEqual([message]);
  });

  test('a bare "keep" is refused: the message names the file, the key and the shapes allowed', () => {
    expect(() => parseTransferRule(JSON.stringify({ ...exampleRuleJson(), fields: { 'txn.amount': 'keep' } }), 'rules/old.json', IN_FORCE)).toThrow(
      /^rules\/old\.json: key fields\["txn\.amount"\]: value "keep": a kept field must state the shape it may carry, e\.g\. \{"keep": "decimal"\}.*shapes: "decimal", "integer", "boolean", "currency", "date", "timestamp", \{"enum"/,
    );
  });

  test.each([
    [{ keep: 'decmal' }, 'key fields["txn.f"].keep: value "decmal": expected a shape: "decimal", "integer"'],
    [{ keep: { patern: '^x$' } }, 'key fields["txn.f"].keep: value {"patern":"^x$"}: expected a shape:'],
    [{ keep: { enum: [] } }, 'key fields["txn.f"].keep.enum: value []: expected at least one value'],
    [{ keep: { enum: ['OK', '13800138000'] } }, 'key fields["txn.f"].keep.enum[1]: the value holds a cn_mobile: an enumeration of identifiers is not a shape'],
    [{ keep: { pattern: '[0-9]{28}' } }, 'key fields["txn.f"].keep.pattern: value "[0-9]{28}": the pattern must be anchored at both ends'],
    [{ keep: { pattern: '^([0-9]+)+$' } }, 'the pattern can backtrack catastrophically'],
    [{ keep: { pattern: '^[0-9]{16,19}$' } }, 'the pattern can match a bank_card as written'],
    [{ keep: { pattern: '^13800138000$' } }, 'key fields["txn.f"].keep.pattern: value "^[cn_mobile]$": the pattern can match a cn_mobile'],
    [{ keep: { integer: { min: 10, max: 1 } } }, 'key fields["txn.f"].keep.integer: min 10 is above max 1'],
    [{ keep: 'decimal', onMismatch: 'drop' }, 'key fields["txn.f"].onMismatch: value "drop": expected one of quarantine, redact'],
    [{ keep: 'decimal', extra: true }, 'fields["txn.f"]: unknown key "extra"'],
  ])('shape %j is refused: %s', (field, message) => {
    const problems = problemsOf({ ...exampleRuleJson(), fields: { 'txn.f': field } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
    expect(problems.join()).not.toContain('13800138000');
  });

  test('a shape without onMismatch quarantines (the fail-closed default)', () => {
    expect(loadTransferRule({ ...exampleRuleJson(), fields: { f: { keep: 'currency' } } }, 'x', IN_FORCE).fields.f).toEqual({ keep: 'currency', onMismatch: 'quarantine' });
  });

  test('every shipped rule and docs example rule is valid and states a shape for every kept field', () => {
    const root = join(__dirname, '..', '..', '..');
    const files = ['rules/cn-home/sg-settlement.json', 'rules/sg-home/eu-refunds.json', 'rules/sg-home/us-chargebacks.json'];
    for (const file of files) {
      const rule = loadTransferRule(JSON.parse(readFileSync(join(root, file), 'utf8')), file, IN_FORCE);
      expect(Object.values(rule.fields).filter((field) => typeof field !== 'string').length).toBeGreaterThan(0);
    }
  });

  test('the error message names the source file and every problem on one line', () => {
    expect(() => parseTransferRule('{"id": 1}', 'rules/broken.json', IN_FORCE)).toThrow(/^rules\/broken\.json: key id: value 1: .*; key version: missing/);
    expect(() => parseTransferRule('{not json', 'rules/broken.json', IN_FORCE)).toThrow(/^rules\/broken\.json: not valid JSON/);
  });

  test('the published JSON Schema is the one generated from the validator', () => {
    const published = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'schemas', 'transfer-rule.schema.json'), 'utf8'));
    // To regenerate: npx tsx -e "console.log(JSON.stringify(require('./lambda/core/transfer-rule').transferRuleJsonSchema(), null, 2))" > schemas/transfer-rule.schema.json
    expect(published).toEqual(transferRuleJsonSchema());
  });
});

describe('transfer rules: the keys behind the legal basis (instruments, recipient role, occasional, international organisation)', () => {
  test('are optional, and kept as written', () => {
    const rule = loadTransferRule(
      { ...exampleRuleJson(), instruments: ['pia-1', 'scc-2'], recipientRole: 'processor', occasional: true, destination: { region: 'eu-central-1', country: 'DE', recipient: 'EPO', internationalOrganisation: 'european_patent_organisation' } },
      'x',
      IN_FORCE,
    );
    expect(rule).toMatchObject({ instruments: ['pia-1', 'scc-2'], recipientRole: 'processor', occasional: true, destination: { internationalOrganisation: 'european_patent_organisation' } });
    const plain = loadTransferRule({ ...exampleRuleJson(), instruments: undefined }, 'x', IN_FORCE);
    expect(plain.recipientRole).toBeUndefined();
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['an instrument id twice', { instruments: ['pia-1', 'pia-1'] }, /key instruments: value \["pia-1","pia-1"\]: expected each instrument id once/],
    ['an instrument id with spaces', { instruments: ['PIA 1'] }, /key instruments\.0: value "PIA 1": expected an instrument id/],
    ['an unknown recipient role', { recipientRole: 'joint' }, /key recipientRole: value "joint": expected one of controller, processor/],
    ['occasional as text', { occasional: 'yes' }, /key occasional: value "yes": expected true or false/],
    ['an unknown international organisation', { destination: { region: 'ap-southeast-1', country: 'SG', recipient: 'X', internationalOrganisation: 'un' } }, /key destination\.internationalOrganisation: value "un": expected one of european_patent_organisation/],
  ])('refuses %s, naming the key and the value', (_label, patch, message) => {
    expect(problemsOf({ ...exampleRuleJson(), ...patch }).join('\n')).toMatch(message);
  });
});
