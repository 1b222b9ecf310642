import { CfnTable as CfnGlueTable } from 'aws-cdk-lib/aws-glue';
import { AttributeType, Table, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { isSensitiveAuthField } from '../../../lib/nag/sensitive-auth-fields';
import { ACCOUNT, flaggedBy, homeStack } from '../support/nag-fixtures';

const id = { name: 'id', type: AttributeType.STRING };

function glueTable(scope: ConstructorParameters<typeof CfnGlueTable>[0], name: string, columns: string[]): CfnGlueTable {
  return new CfnGlueTable(scope, name, {
    catalogId: ACCOUNT,
    databaseName: 'payments',
    tableInput: { name: name.toLowerCase(), storageDescriptor: { columns: columns.map((c) => ({ name: c, type: 'string' })) } },
  });
}

describe('CrossBorder-NoSensitiveAuthDataField', () => {
  test('flags DynamoDB keys and indexes and Glue columns named for sensitive authentication data', () => {
    const { app, stack } = homeStack();
    new Table(stack, 'SortKey', { partitionKey: id, sortKey: { name: 'cardCvv2', type: AttributeType.STRING } });
    new TableV2(stack, 'Index', {
      partitionKey: id,
      globalSecondaryIndexes: [{ indexName: 'byPinBlock', partitionKey: { name: 'merchantId', type: AttributeType.STRING } }],
    });
    glueTable(stack, 'Swipes', ['merchant_id', 'track2_data']);
    expect(flaggedBy(app, 'NoSensitiveAuthDataField').sort()).toEqual(['Home/Index/Resource', 'Home/SortKey/Resource', 'Home/Swipes']);
  });

  test('passes schemas without such fields', () => {
    const { app, stack } = homeStack();
    new Table(stack, 'Orders', { partitionKey: id, sortKey: { name: 'panLast4', type: AttributeType.STRING } });
    glueTable(stack, 'Shipments', ['shipping_address', 'tracking_number', 'spin_count', 'opinion']);
    expect(flaggedBy(app, 'NoSensitiveAuthDataField')).toEqual([]);
  });

  test.each([
    ['cvv', true],
    ['CVV2', true],
    ['card_cvc', true],
    ['cvn2', true],
    ['PIN', true],
    ['PINBlock', true],
    ['pin_block', true],
    ['cardpin', true],
    ['track1', true],
    ['Track2Data', true],
    ['full_track', true],
    ['magStripe', true],
    ['securityCode', true],
    ['shipping', false],
    ['mapping', false],
    ['trackingNumber', false],
    ['spinCount', false],
    ['panLast4', false],
    ['cvsStore', false],
  ])('isSensitiveAuthField(%s) is %s', (name, expected) => {
    expect(isSensitiveAuthField(name)).toBe(expected);
  });
});
