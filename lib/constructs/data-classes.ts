import { Tags } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { DataClass } from '../config';

/**
 * The `data-class` tag values this project uses: the JR/T 0171 classes of personal financial
 * information, plus the operational classes whose keys and stores hold no customer records.
 */
export const OPERATIONAL_CLASSES = ['audit', 'logs', 'access-logs'] as const;
export type OperationalClass = (typeof OPERATIONAL_CLASSES)[number];
export type ClassTag = DataClass | OperationalClass;

export const DATA_CLASS_TAG = 'data-class';
export const RESIDENCY_TAG = 'residency';

/** Tags a store or key with what it holds and where that data must live. */
export function tagClassified(scope: IConstruct, dataClass: ClassTag, residency: string): void {
  Tags.of(scope).add(DATA_CLASS_TAG, dataClass);
  Tags.of(scope).add(RESIDENCY_TAG, residency);
}
