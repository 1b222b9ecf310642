import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { isOffered } from '../availability';
import { DefaultSecurityGroupCloser } from './default-security-group-closer';

export interface PrivateNetworkProps {
  /** Where VPC flow logs go (the stack's access-log bucket: short retention, no customer data). */
  readonly flowLogsBucket: s3.IBucket;
  /** Encrypts the log group of the function that closes the default security group. */
  readonly logsKey: kms.IKey;
  /** Days that function's log events are kept. */
  readonly logRetentionDays: number;
  /** Region whose law governs the network; written to `residency` tags. */
  readonly residency: string;
  /**
   * Availability zones used.
   * @default 2
   */
  readonly maxAzs?: number;
  /**
   * Address range.
   * @default '10.80.0.0/20'
   */
  readonly cidr?: string;
}

/**
 * A VPC with isolated subnets only: no internet gateway, no NAT, so code that reads raw personal
 * data has no network path out of the region. AWS services are reached through VPC endpoints
 * (S3 and DynamoDB gateway endpoints; KMS and, where offered, X-Ray interface endpoints). The default security group is
 * closed and every flow is logged.
 */
export class PrivateNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  /** KMS interface endpoint; closed until `allowKmsFrom` names who may reach it. */
  public readonly kmsEndpoint: ec2.InterfaceVpcEndpoint;
  /**
   * X-Ray interface endpoint, through which traced functions in the isolated subnets send their
   * traces; closed until a function is allowed. Only where the region integrates X-Ray with Lambda
   * and offers the endpoint (lib/availability.ts): in the China regions functions are not traced.
   */
  public readonly xrayEndpoint?: ec2.InterfaceVpcEndpoint;

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr ?? '10.80.0.0/20'),
      maxAzs: props.maxAzs ?? 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      // Closed by our own DefaultSecurityGroupCloser (below): CDK's provider has no reserved
      // concurrency and no dead-letter queue, and no option gives it them.
      restrictDefaultSecurityGroup: false,
      flowLogs: {
        all: { destination: ec2.FlowLogDestination.toS3(props.flowLogsBucket, 'vpc-flow-logs/'), trafficType: ec2.FlowLogTrafficType.ALL },
      },
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });
    new DefaultSecurityGroupCloser(this.vpc, { logsKey: props.logsKey, logRetentionDays: props.logRetentionDays, residency: props.residency });
    // Closed by default: ingress is granted per caller (security group reference), not to the whole VPC range.
    this.kmsEndpoint = this.vpc.addInterfaceEndpoint('Kms', { service: ec2.InterfaceVpcEndpointAwsService.KMS, privateDnsEnabled: true, open: false });
    const region = Stack.of(this).region;
    if (isOffered('lambda:xray-tracing', region) && isOffered('vpc-endpoint:xray', region)) {
      this.xrayEndpoint = this.vpc.addInterfaceEndpoint('XRay', { service: ec2.InterfaceVpcEndpointAwsService.XRAY, privateDnsEnabled: true, open: false });
    }
  }

  /** Lets a function (or anything with security groups) reach KMS over HTTPS inside the VPC. */
  public allowKmsFrom(peer: ec2.IConnectable): void {
    this.kmsEndpoint.connections.allowDefaultPortFrom(peer, 'HTTPS to KMS from the gateway');
  }
}
