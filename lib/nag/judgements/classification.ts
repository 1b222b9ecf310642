import { isKnownDataClass } from '../../vocabulary/data-classes';
import { DATA_STORE_TYPES, KEY_TYPES } from './resource-types';
import { type Verdict, verdictOf } from './verdict';

/** The judgement of `DataClassTagged`: a data store or key carries a `data-class` tag with a known class. */
export function judgeDataClassTagged(type: string, dataClass: unknown): Verdict {
  if (!DATA_STORE_TYPES.includes(type) && !KEY_TYPES.includes(type)) return 'NOT_APPLICABLE';
  return verdictOf(isKnownDataClass(dataClass));
}
