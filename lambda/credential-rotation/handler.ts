/** Secrets Manager rotation of an access key of the other partition (cross-partition delivery). */
import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { remoteClientsFor, rotate, type RotationEvent } from './rotation';

const logger = new Logger();
const secrets = new SecretsManagerClient({});
const destinationRegion = process.env.DESTINATION_REGION;

export const handler = async (event: RotationEvent): Promise<void> => {
  if (!destinationRegion) throw new Error('rotation environment: DESTINATION_REGION is missing');
  logger.info('rotation step', { step: event.Step, secret: event.SecretId });
  await rotate(event, secrets, remoteClientsFor(destinationRegion));
};
