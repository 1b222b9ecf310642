/**
 * CloudFormation custom resource `Custom::CloudHsmKey`: a KMS key in a CloudHSM-backed custom key
 * store, which CloudFormation cannot create itself. CloudFormation invokes this function directly
 * (no Provider framework), so it answers at the event's ResponseURL itself, always: every error
 * becomes a FAILED response with a reason instead of a hung stack.
 *
 * Create: find or create the key store (by name), connect it, create the key. Update: description,
 * policy and tags in place; a new cluster means a new store and key, a new key generation a new key
 * in the same store. Delete: schedule the key's deletion (30 days) and keep the store connected
 * (see scheduleKeyDeletion).
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@aws-lambda-powertools/logger';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { failedCreateId, isKeyId, type Outcome, parseProperties, planUpdate, responseBody } from '../core/custom-key-store';
import { sendResponse } from './cfn-response';
import {
  connectKeyStore,
  createKeyInStore,
  describeCurrentKey,
  describeKeyAttributes,
  ensureKeyStore,
  type KeyAttributes,
  type KeyStoreDeps,
  scheduleKeyDeletion,
  updateKey,
} from './key-store';

/** Time kept back from the function timeout to create the key and answer CloudFormation. */
const RESPONSE_MARGIN_MS = 60_000;

export interface HandlerDeps extends KeyStoreDeps {
  readonly send: (responseUrl: string, body: string) => Promise<void>;
}

async function createKey(deps: KeyStoreDeps, rawProperties: unknown, deadline: number): Promise<KeyAttributes> {
  const props = parseProperties(rawProperties);
  const store = await ensureKeyStore(deps, props);
  const storeId = store.CustomKeyStoreId ?? '';
  await connectKeyStore(deps, storeId, deadline);
  return createKeyInStore(deps, props, storeId, deadline);
}

async function handle(deps: KeyStoreDeps, event: CloudFormationCustomResourceEvent, deadline: number): Promise<Outcome> {
  switch (event.RequestType) {
    case 'Create': {
      const key = await createKey(deps, event.ResourceProperties, deadline);
      return { status: 'SUCCESS', physicalResourceId: key.KeyId, data: { ...key } };
    }
    case 'Update': {
      if (!isKeyId(event.PhysicalResourceId)) {
        throw new Error(`physical id ${event.PhysicalResourceId} is not a KMS key id: nothing to update`);
      }
      const current = await describeCurrentKey(deps, event.PhysicalResourceId);
      const plan = planUpdate(parseProperties(event.OldResourceProperties), parseProperties(event.ResourceProperties), current);
      if (plan.kind === 'replace') {
        deps.logger.warn('replacing the key', { reason: plan.reason });
        const key = await createKey(deps, event.ResourceProperties, deadline);
        return { status: 'SUCCESS', physicalResourceId: key.KeyId, data: { ...key } };
      }
      await updateKey(deps, event.PhysicalResourceId, plan);
      const key = await describeKeyAttributes(deps, event.PhysicalResourceId);
      return { status: 'SUCCESS', physicalResourceId: event.PhysicalResourceId, data: { ...key } };
    }
    case 'Delete': {
      if (isKeyId(event.PhysicalResourceId)) {
        await scheduleKeyDeletion(deps, event.PhysicalResourceId);
      } else {
        deps.logger.info('no key was created under this physical id: nothing to delete');
      }
      return { status: 'SUCCESS', physicalResourceId: event.PhysicalResourceId };
    }
  }
}

/** The handler, with its clients and clock injected so tests run it without AWS and without waiting. */
export function createHandler(deps: HandlerDeps) {
  return async (event: CloudFormationCustomResourceEvent, context: Pick<Context, 'getRemainingTimeInMillis' | 'logStreamName'>) => {
    // Never log the event as a whole: its ResponseURL is a credential for the answer.
    deps.logger.appendKeys({ requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, requestId: event.RequestId });
    const deadline = deps.now() + context.getRemainingTimeInMillis() - RESPONSE_MARGIN_MS;
    let outcome: Outcome;
    try {
      outcome = await handle(deps, event, deadline);
    } catch (err) {
      const message = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
      deps.logger.error('custom resource failed', { error: message });
      outcome = {
        status: 'FAILED',
        // A failed Create names no key, so the Delete of its rollback leaves everything in place.
        physicalResourceId: event.RequestType === 'Create' ? failedCreateId(event.RequestId) : event.PhysicalResourceId,
        reason: `${message} (log stream ${context.logStreamName})`,
      };
    }
    await deps.send(event.ResponseURL, responseBody(event, outcome));
    deps.logger.info('answered CloudFormation', { status: outcome.status, physicalResourceId: outcome.physicalResourceId });
  };
}

const logger = new Logger({ serviceName: 'custom-key-store' });

export const handler = createHandler({
  kms: new KMSClient({}),
  secrets: new SecretsManagerClient({}),
  logger,
  send: sendResponse,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  pollIntervalMs: 15_000,
});
