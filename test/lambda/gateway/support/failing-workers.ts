/**
 * Gateway worker entries that fail on their second batch, the way a real worker can: one exits (a
 * crash: out of memory, a native fault), the other throws.
 */
import { workerData } from 'node:worker_threads';
import { serveBatches } from '../../../../lambda/shared/batch-pool';
import { transferablesOf, workerRuleBatchRunner, type RuleBatchTask } from '../../../../lambda/gateway/rule-batch';

export function serveFailing(mode: 'exit' | 'throw'): void {
  const runner = workerRuleBatchRunner(workerData as RuleBatchTask);
  let batches = 0;
  serveBatches(
    {
      run: (bytes) => {
        if (++batches === 2) {
          if (mode === 'exit') process.exit(3);
          throw new Error('injected failure in a gateway worker');
        }
        return runner.run(bytes);
      },
      summary: () => runner.summary(),
    },
    transferablesOf,
  );
}
