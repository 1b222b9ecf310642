/**
 * Which jurisdictions a deployment's data touches, and so which breach-notification duties an
 * incident in it can trigger: the country of the home region, and the country of every transfer
 * rule's destination. A country the catalogue does not model is named, never silently dropped.
 */
import { countryOf } from '../regions';
import {
  chinaObligations,
  type CnOperatorType,
  EEA_COUNTRIES,
  gdprObligation,
  type Obligation,
  SINGAPORE_OBLIGATIONS,
  UK_GDPR,
  US_STATE_OBLIGATIONS,
} from './obligations';

export interface ProfileScope {
  readonly homeRegion: string;
  /** Destinations of the approved transfer rules (region and recipient's country). */
  readonly destinations: ReadonlyArray<{ readonly region: string; readonly country: string }>;
  /** Who the exporter is under the CAC Measures (from the assessment's `ciio`). */
  readonly cnOperator: CnOperatorType;
}

export interface TouchedJurisdiction {
  readonly country: string;
  /** `home`: where the raw data lives; `destination`: where desensitized data is received. */
  readonly role: 'home' | 'destination';
}

export interface Jurisdictions {
  readonly touched: readonly TouchedJurisdiction[];
  /** One per duty, each id once, in catalogue order (home first). */
  readonly obligations: readonly Obligation[];
  /** Countries touched for which no duty is modeled: a person must check them. */
  readonly unmodeled: readonly string[];
}

/** The countries a profile's data touches: home first, then destinations in rule order, each once. */
export function touchedJurisdictions(scope: ProfileScope): TouchedJurisdiction[] {
  const home = countryOf(scope.homeRegion);
  const touched: TouchedJurisdiction[] = [{ country: home, role: 'home' }];
  for (const destination of scope.destinations) {
    if (destination.country !== home && !touched.some((t) => t.country === destination.country)) {
      touched.push({ country: destination.country, role: 'destination' });
    }
  }
  return touched;
}

function obligationsOfCountry(country: string, scope: ProfileScope): readonly Obligation[] | undefined {
  if (country === 'CN') return chinaObligations(scope.cnOperator);
  if (EEA_COUNTRIES.has(country)) return [gdprObligation(country)];
  if (country === 'GB') return [UK_GDPR];
  if (country === 'SG') return SINGAPORE_OBLIGATIONS;
  if (country === 'US') return US_STATE_OBLIGATIONS;
  return undefined;
}

/** The duties an incident in this deployment can trigger. */
export function jurisdictionsOf(scope: ProfileScope): Jurisdictions {
  const touched = touchedJurisdictions(scope);
  const obligations: Obligation[] = [];
  const unmodeled: string[] = [];
  for (const { country } of touched) {
    const duties = obligationsOfCountry(country, scope);
    if (duties === undefined) {
      unmodeled.push(country);
      continue;
    }
    for (const duty of duties) if (!obligations.some((o) => o.id === duty.id)) obligations.push(duty);
  }
  return { touched, obligations, unmodeled };
}
