/**
 * Recognises field names that would hold sensitive authentication data (PCI DSS Req. 3.3.1:
 * full track data, card verification codes, PINs and PIN blocks; JR/T 0171 C3). Names are split
 * into words at case changes, digits and separators, so `cardCVV2`, `pin_block`, `PINBlock` and
 * `track2Data` are all found; run-together names are matched against known compounds.
 *
 * The word `pin` is matched on its own: on a payment platform a field called `pin` is a PIN until
 * proven otherwise (a map pin is worth a rename).
 */
const SAD_WORDS = new Set(['cvv', 'cvc', 'cvn', 'csc', 'pvv', 'icvv', 'pin', 'pinblock', 'magstripe', 'trackdata']);

const SAD_WORD_PAIRS: readonly (readonly [string, string])[] = [
  ['track', '1'],
  ['track', '2'],
  ['track', 'data'],
  ['full', 'track'],
  ['mag', 'stripe'],
  ['security', 'code'],
  ['verification', 'value'],
  ['verification', 'code'],
];

const SAD_COMPOUNDS = new Set([
  'cardpin',
  'pincode',
  'track1',
  'track2',
  'fulltrack',
  'securitycode',
  'cardsecuritycode',
  'cardverificationvalue',
  'cardverificationcode',
  'cardcvv',
  'cardcvc',
]);

export function fieldWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-zA-Z])(\d)/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

/** Whether a field, column, attribute or index name names sensitive authentication data. */
export function isSensitiveAuthField(name: string): boolean {
  const words = fieldWords(name);
  if (words.some((word) => SAD_WORDS.has(word))) return true;
  if (words.some((word, i) => SAD_WORD_PAIRS.some(([a, b]) => word === a && words[i + 1] === b))) return true;
  return SAD_COMPOUNDS.has(name.toLowerCase().replace(/[^a-z0-9]/g, ''));
}
