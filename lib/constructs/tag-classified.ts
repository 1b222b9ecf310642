import { Tags } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { type ClassTag, DATA_CLASS_TAG, RESIDENCY_TAG } from '../vocabulary/data-classes';

/** Tags a store or key with what it holds (`data-class`) and where that data must live (`residency`). */
export function tagClassified(scope: IConstruct, dataClass: ClassTag, residency: string): void {
  Tags.of(scope).add(DATA_CLASS_TAG, dataClass);
  Tags.of(scope).add(RESIDENCY_TAG, residency);
}
