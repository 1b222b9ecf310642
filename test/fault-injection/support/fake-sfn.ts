/**
 * Step Functions as far as the gateway relies on it: StartExecution of a standard state machine,
 * with its naming rule (a name is used once: the same name and input while running answers with the
 * running execution, anything else is ExecutionAlreadyExists). The executions are run by
 * `runSplits` (split-runner.ts), which plays the split state machine's definition.
 */
import { ExecutionAlreadyExists } from '@aws-sdk/client-sfn';

export interface FakeExecution {
  readonly name: string;
  readonly stateMachineArn: string;
  readonly executionArn: string;
  readonly input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  /** Parts of the map that succeeded (a redrive runs the others). */
  readonly partsDone: Set<number>;
}

export class FakeStepFunctions {
  public readonly executions = new Map<string, FakeExecution>();

  execute(command: string, input: Record<string, unknown>): unknown {
    if (command !== 'StartExecutionCommand') throw new Error(`fake Step Functions: ${command} is not modelled`);
    const name = String(input.name);
    const stateMachineArn = String(input.stateMachineArn);
    const existing = this.executions.get(`${stateMachineArn}/${name}`);
    if (existing !== undefined) {
      if (existing.status === 'RUNNING' && existing.input === input.input) return { executionArn: existing.executionArn, startDate: new Date(), $metadata: { httpStatusCode: 200 } };
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${existing.executionArn}'`, $metadata: { httpStatusCode: 400 } });
    }
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    this.executions.set(`${stateMachineArn}/${name}`, { name, stateMachineArn, executionArn, input: String(input.input), status: 'RUNNING', partsDone: new Set() });
    return { executionArn, startDate: new Date(), $metadata: { httpStatusCode: 200 } };
  }

  /** Executions not yet run to their end. */
  running(): FakeExecution[] {
    return [...this.executions.values()].filter((e) => e.status === 'RUNNING');
  }
}
