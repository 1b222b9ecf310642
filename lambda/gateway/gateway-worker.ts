/**
 * Worker-thread entry of the gateway: runs rule batches (rule-batch.ts) for the handler's thread, in
 * the order they arrive. Bundled next to the handler as `gateway-worker.js`
 * (lib/constructs/transfer-gateway.ts); started by transfer-object.ts through the shared pool.
 */
import { workerData } from 'node:worker_threads';
import { serveBatches } from '../shared/batch-pool';
import { transferablesOf, workerRuleBatchRunner, type RuleBatchTask } from './rule-batch';

serveBatches(workerRuleBatchRunner(workerData as RuleBatchTask), transferablesOf);
