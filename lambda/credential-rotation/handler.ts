/** Secrets Manager rotation of an access key of the other partition (cross-partition delivery). */
import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { remoteClientsFor, rotate, type RotationEvent } from './rotation';

const logger = new Logger();
const secrets = new SecretsManagerClient({});
const destinationRegion = process.env.DESTINATION_REGION;

export const handler = async (event: RotationEvent): Promise<void> => {
  if (!destinationRegion) throw new Error('rotation environment: DESTINATION_REGION is missing');
  const outcome = await rotate(event, secrets, remoteClientsFor(destinationRegion), destinationRegion);
  if (outcome === 'not-provisioned') {
    logger.warn('credentials not provisioned yet: nothing rotated; delivery to this destination is refused until they are put in', {
      step: event.Step,
      secret: event.SecretId,
      destinationRegion,
    });
  } else {
    logger.info('rotation step', { step: event.Step, secret: event.SecretId, outcome });
  }
};
