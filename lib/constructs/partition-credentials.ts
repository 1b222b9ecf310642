import { Duration, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { notProvisionedTemplate } from '../../lambda/credential-rotation/credentials';
import { tagClassified } from './tag-classified';
import { DataPlaneFunction } from './data-plane-function';
import { grantKeyUseThrough } from './grants';

export interface PartitionCredentialsProps {
  /** The destination region in the other partition. */
  readonly destinationRegion: string;
  /** Where the key may write, for the secret's description. @default - "the landing bucket" */
  readonly bucketName?: string;
  /** Encrypts the secret, the rotation function's environment and its dead letters. */
  readonly encryptionKey: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly residency: string;
  /**
   * Days between rotations of the access key.
   * @default 30
   */
  readonly rotationDays?: number;
}

/**
 * The access key of an IAM user in another partition's account (cross-partition delivery), held
 * in Secrets Manager under a customer key and rotated by a function of our own.
 *
 * Nobody can create that key before the other partition's landing stack exists, so the secret
 * starts as a JSON template in a clear not-provisioned state (never a random string, which the
 * rotation could not read), and the schedule does not rotate on creation: the first rotation runs
 * one period after deployment, and a rotation of a still-unprovisioned secret completes without
 * touching any account (see lambda/credential-rotation). `residency preflight` lists the secret as
 * one to fill.
 */
export class PartitionCredentials extends Construct {
  public readonly secret: secretsmanager.Secret;
  public readonly rotation: DataPlaneFunction;
  public readonly schedule: secretsmanager.RotationSchedule;

  constructor(scope: Construct, id: string, props: PartitionCredentialsProps) {
    super(scope, id);
    const region = props.destinationRegion;
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: `Access key of the ${region} partition account that may write to ${props.bucketName ?? 'the landing bucket'}; put {"userName","accessKeyId","secretAccessKey"} after deploy`,
      // The key is set on the resource below, not through `encryptionKey`: with it, aws-cdk-lib adds
      // a key-policy grant conditioned on kms:ViaService `secretsmanager.<region>.amazonaws.com`,
      // spelled for the commercial partition whatever the stack's (it never matches in aws-cn, where
      // endpoints end .amazonaws.com.cn). Key use is granted where it is needed, through grants.ts,
      // whose ViaService follows the partition's URL suffix.
      removalPolicy: RemovalPolicy.DESTROY,
      // The first value is a template that holds nothing secret: plain text is what it is.
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify(notProvisionedTemplate(region))),
    });
    (this.secret.node.defaultChild as secretsmanager.CfnSecret).kmsKeyId = props.encryptionKey.keyArn;
    tagClassified(this.secret, 'C1', props.residency);

    // A new key is created with the current one, tested in the other partition, made current, and
    // the old one deleted.
    this.rotation = new DataPlaneFunction(this, 'Rotate', {
      entry: join(__dirname, '..', '..', 'lambda', 'credential-rotation', 'handler.ts'),
      description: `Rotates the ${region} partition access key used for cross-partition delivery`,
      environmentKey: props.encryptionKey,
      logsKey: props.logsKey,
      logRetentionDays: props.logRetentionDays,
      residency: props.residency,
      timeout: Duration.minutes(1),
      reservedConcurrentExecutions: 1,
      environment: { DESTINATION_REGION: region },
    });
    this.schedule = new secretsmanager.RotationSchedule(this, 'Rotation', {
      // A reference without its key: the schedule would otherwise grant key use in the key policy,
      // which names the rotation role while the secret depends on the key (a dependency cycle).
      secret: secretsmanager.Secret.fromSecretCompleteArn(this, 'SecretRef', this.secret.secretArn),
      rotationLambda: this.rotation.function,
      automaticallyAfter: Duration.days(props.rotationDays ?? 30),
      // Never on creation: the secret holds no credentials until someone puts them in.
      rotateImmediatelyOnUpdate: false,
    });
    // Only this secret's rotation may invoke the function (CT.LAMBDA.PR.2: no unscoped service invoke).
    for (const child of this.rotation.function.node.findAll()) {
      if (child instanceof lambda.CfnPermission && child.principal === 'secretsmanager.amazonaws.com') child.sourceArn = this.secret.secretArn;
    }
    grantKeyUseThrough(this.rotation.role, props.encryptionKey, ['kms:Decrypt', 'kms:GenerateDataKey'], 'secretsmanager');
  }
}
