/**
 * The scan report as Markdown: the risk summary a compliance officer can hand to a regulator or
 * attach to a transfer declaration. It says which fields hold what, in how many values, at which
 * JR/T 0171 level, and what must happen to each before the data leaves the home region.
 */
import { CATEGORIES, LEVEL_OF, type Category, type InventoryReport } from '../../lambda/core';

interface CategoryGuidance {
  readonly label: string;
  /** PIPL Art. 28 sensitive personal information. */
  readonly piplSensitive: boolean;
  readonly beforeExport: string;
}

const GUIDANCE: Readonly<Record<Category, CategoryGuidance>> = {
  sensitive_auth_data: {
    label: 'sensitive authentication data (CVV/CVN, PIN, track data, passwords, one-time codes)',
    piplSensitive: true,
    beforeExport: 'never exported; must not be stored after authorization (PCI DSS 3.3.1): purge at source. The gateway quarantines such records.',
  },
  cn_resident_id: {
    label: 'PRC resident ID number',
    piplSensitive: true,
    beforeExport: 'keep at most the last four characters (`last4`) or replace with a keyed token (`token`)',
  },
  bank_card: {
    label: 'bank card number (PAN)',
    piplSensitive: true,
    beforeExport: 'mask to BIN + last 4 (`mask_pan`, PCI DSS 4.0.1 Req. 3.5.1 truncation) or replace with a keyed token (`token`)',
  },
  cn_mobile: { label: 'mainland China mobile number', piplSensitive: false, beforeExport: 'replace with a keyed token (`token`) or drop' },
  email: { label: 'e-mail address', piplSensitive: false, beforeExport: 'replace with a keyed token (`token`) or drop' },
  payment_transaction_id: {
    label: 'payment transaction id (Alipay / WeChat Pay)',
    piplSensitive: false,
    beforeExport: 'keep only where the recipient needs it to settle or reconcile (a transaction record); otherwise `token`',
  },
  ip_address: { label: 'IP address', piplSensitive: false, beforeExport: 'drop, or `token` where fraud screening abroad needs it' },
};

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `1 field holds`, `2 fields hold`. */
function counted(n: number, singular: string, plural: string): string {
  return `${count(n)} ${n === 1 ? singular : plural}`;
}

const INVALID_REASON_LABELS: Readonly<Record<string, string>> = {
  invalid_utf8: 'not valid UTF-8',
  too_long: 'longer than the record size limit',
  too_deep: 'nested deeper than the depth limit',
  unparseable: 'not valid JSON or CSV',
  not_an_object: 'not a JSON object',
};

function invalidReasons(report: InventoryReport): string {
  return Object.entries(report.invalidReasons)
    .map(([reason, n]) => `${INVALID_REASON_LABELS[reason] ?? reason}: ${count(n ?? 0)}`)
    .join('; ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function holds(categories: Partial<Record<Category, number>>): string {
  return CATEGORIES.filter((c) => categories[c]).map((c) => `${GUIDANCE[c].label} (${count(categories[c] ?? 0)})`).join('; ');
}

const FREE_TEXT_GUIDANCE = 'free text holding several kinds of identifier: `redact` (each identifier replaced by a placeholder naming its category) or drop';

/** C3 guidance wins; a field holding several categories is free text; otherwise its category's guidance. */
function guidanceFor(categories: Partial<Record<Category, number>>): string {
  const held = CATEGORIES.filter((c) => categories[c]);
  const c3 = held.find((c) => LEVEL_OF[c] === 'C3');
  if (c3 !== undefined) return GUIDANCE[c3].beforeExport;
  return held.length > 1 ? FREE_TEXT_GUIDANCE : held.length === 1 ? GUIDANCE[held[0]].beforeExport : '';
}

export function scanMarkdown(report: InventoryReport, source: string, scannedAt: Date): string {
  const c3 = report.fields.filter((f) => f.level === 'C3');
  const c2 = report.fields.filter((f) => f.level === 'C2');
  const sensitive = report.fields.filter((f) => CATEGORIES.some((c) => f.categories[c] && GUIDANCE[c].piplSensitive));
  const lines = [
    `# Personal financial information inventory: ${code(source)}`,
    '',
    `Scanned ${count(report.records)} records on ${scannedAt.toISOString().slice(0, 10)} (UTC) with \`residency scan\`` +
      (report.invalid > 0 ? `; ${counted(report.invalid, 'line', 'lines')} could not be read as records and ${report.invalid === 1 ? 'was' : 'were'} not scanned (${invalidReasons(report)}).` : '.'),
    '',
    '## Summary',
    '',
    `- **${counted(report.fields.length, 'field', 'fields')}** ${report.fields.length === 1 ? 'holds' : 'hold'} personal financial information: ${c3.length} at level C3 and ${c2.length} at level C2 (JR/T 0171-2020).`,
  ];
  if (report.recordsWithSensitiveAuthData > 0) {
    lines.push(
      `- **${counted(report.recordsWithSensitiveAuthData, 'record carries', 'records carry')} sensitive authentication data.** PCI DSS Req. 3.3.1 forbids keeping it after authorization, even encrypted: purge it at source. The transfer gateway refuses these records.`,
    );
  } else {
    lines.push('- No record carries sensitive authentication data (CVV/CVN, PIN, track data, passwords, one-time codes).');
  }
  if (report.recordsWithDuplicateKeys > 0) {
    lines.push(
      `- **${counted(report.recordsWithDuplicateKeys, 'record repeats', 'records repeat')} a key within one object.** Readers disagree on which value counts, so the transfer gateway quarantines such records; every value was inventoried here.`,
    );
  }
  if (sensitive.length > 0) {
    lines.push(
      `- Sensitive personal information under PIPL Art. 28 (financial accounts, specific identity) is held in ${sensitive.map((f) => code(f.path)).join(', ')}. Exporting it, even for one individual, needs a separate consent and a standard contract, certification or security assessment unless an exemption applies.`,
    );
  }
  lines.push(
    '- Every field listed below must be desensitized by a transfer rule before the data leaves the home region. Fields not listed hold no identifier the detectors know, but may still hold personal information (names, addresses) that a rule should drop.',
    '- Counts are values, not people: the CAC thresholds count distinct individuals, which `residency assess` works from.',
    '',
    '## Fields',
    '',
  );
  if (report.fields.length === 0) {
    lines.push('No field holds a detected identifier.');
  } else {
    lines.push('| Field | Level | Holds (values) | Values scanned | Before export |', '|---|---|---|---|---|');
    for (const field of report.fields) {
      lines.push(`| ${code(field.path)} | ${field.level} | ${holds(field.categories)} | ${count(field.values)} | ${guidanceFor(field.categories)} |`);
    }
  }
  lines.push(
    '',
    '## How the fields were classified',
    '',
    '- PRC resident ID: 18 characters with a valid GB 11643 check character, a real birth date (1900 to today) and a known province code; legacy 15-digit IDs with a real 19YY date.',
    '- Bank card: 13–19 digits passing Luhn (first digit 2–9), or 16–19 digits starting 62 (UnionPay, some of which fail Luhn); groups of digits separated by spaces or dashes are read as one number.',
    '- Mainland mobile: `1[3-9]` and 9 digits, with or without `+86`/`0086`/`86-`.',
    '- Payment transaction ids have no check digit: they are recognised by field name (`trade_no`, `transaction_id`, ...) or by the words before them in text.',
    '- Sensitive authentication data: by field name at any depth (`cvv`, `cvn2`, `pin`, `pinBlock`, `track2`, `password`, `otp`, ...) and track data by its format.',
    '- Numbers that fail their checksum (an order number with a wrong check character, a reference failing Luhn) are not counted: a long number is read whole, never as windows.',
    '- A key that itself holds an identifier (a map keyed by phone or card numbers) is shown by its category, e.g. `byPhone.[cn_mobile].name`: this report never repeats an identifier.',
    '',
  );
  return lines.join('\n');
}
