/**
 * The closed vocabularies of the assessment (purposes, legal bases, GDPR tools) are tables keyed by
 * name. These two helpers give their names as a non-empty tuple (what `z.enum` takes) and test
 * membership without being fooled by inherited keys such as "constructor".
 */
export function vocabularyNames<Name extends string>(table: Readonly<Record<Name, unknown>>): readonly [Name, ...Name[]] {
  const names = Object.keys(table) as Name[];
  if (names.length === 0) throw new Error('a vocabulary needs at least one name');
  return names as [Name, ...Name[]];
}

export function isVocabularyName<Name extends string>(table: Readonly<Record<Name, unknown>>, name: string): name is Name {
  return Object.prototype.hasOwnProperty.call(table, name);
}
