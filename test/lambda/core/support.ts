/** Shared fixtures for the core tests: a valid rule, a fixed token key, a typical record. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileTransferRule, type DesensitizePlan } from '../../../lambda/core/desensitize';
import { tokenKeyFromHex, type TokenKey } from '../../../lambda/core/tokens';
import type { Inventory } from '../../../lambda/core/scan';
import { loadTransferRule, type TransferRule } from '../../../lambda/core/transfer-rule';

export const RULE_FILE = join(__dirname, '..', '..', '..', 'rules', 'cn-home', 'sg-settlement.json');
export const IN_FORCE = new Date('2026-06-01T00:00:00Z');
export const KEY: TokenKey = tokenKeyFromHex('0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0');

export function exampleRuleJson(): Record<string, unknown> {
  return JSON.parse(readFileSync(RULE_FILE, 'utf8')) as Record<string, unknown>;
}

export function ruleWith(overrides: Record<string, unknown>): TransferRule {
  return loadTransferRule({ ...exampleRuleJson(), ...overrides }, 'test-rule.json', IN_FORCE);
}

export function planWith(overrides: Record<string, unknown> = {}): DesensitizePlan {
  return compileTransferRule(ruleWith(overrides), KEY);
}

export function settlementRecord(): Record<string, unknown> {
  return {
    txn: { tradeNo: '2024010122001400000000000001', amount: 1280.5, currency: 'CNY' },
    payer: { name: '张三', idNumber: '11010519491231002X', mobile: '+86 138 0013 8000' },
    card: { pan: '6222 0212 3456 7890', bank: 'ICBC' },
    memo: 'call 13800138000 id 11010519491231002X',
    device: { ip: '10.1.2.3' },
  };
}

/** Per-category counts of an inventory summed over its fields, as the gateway's declaration records them (an oracle for its tests). */
export function declaredCategories(inventory: Inventory): Record<string, number> {
  const categories: Record<string, number> = {};
  for (const field of inventory.report().fields) {
    for (const [category, count] of Object.entries(field.categories)) categories[category] = (categories[category] ?? 0) + count;
  }
  return categories;
}
