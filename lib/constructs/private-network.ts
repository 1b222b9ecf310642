import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface PrivateNetworkProps {
  /** Where VPC flow logs go (the stack's access-log bucket: short retention, no customer data). */
  readonly flowLogsBucket: s3.IBucket;
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
 * (S3 and DynamoDB gateway endpoints; KMS interface endpoint). The default security group is
 * closed and every flow is logged.
 */
export class PrivateNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  /** KMS interface endpoint; closed until `allowKmsFrom` names who may reach it. */
  public readonly kmsEndpoint: ec2.InterfaceVpcEndpoint;

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr ?? '10.80.0.0/20'),
      maxAzs: props.maxAzs ?? 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      restrictDefaultSecurityGroup: true,
      flowLogs: {
        all: { destination: ec2.FlowLogDestination.toS3(props.flowLogsBucket, 'vpc-flow-logs/'), trafficType: ec2.FlowLogTrafficType.ALL },
      },
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });
    // Closed by default: ingress is granted per caller (security group reference), not to the whole VPC range.
    this.kmsEndpoint = this.vpc.addInterfaceEndpoint('Kms', { service: ec2.InterfaceVpcEndpointAwsService.KMS, privateDnsEnabled: true, open: false });
  }

  /** Lets a function (or anything with security groups) reach KMS over HTTPS inside the VPC. */
  public allowKmsFrom(peer: ec2.IConnectable): void {
    this.kmsEndpoint.connections.allowDefaultPortFrom(peer, 'HTTPS to KMS from the gateway');
  }
}
