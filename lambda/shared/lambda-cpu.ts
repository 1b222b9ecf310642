/**
 * What CPU a Lambda function gets for its memory: "At 1,769 MB, a function has the equivalent of one
 * vCPU (one vCPU-second of credits per second)", in proportion up to 10,240 MB
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). Inside the function
 * `os.availableParallelism()` reports the host's cores, not this share, so a thread count is decided
 * from the memory size instead.
 */

/** Memory that buys one vCPU's worth of CPU time. */
export const LAMBDA_MB_PER_VCPU = 1769;

/** Threads that each get a whole vCPU's worth: 1 below 3,538 MB, 2 from there, 5 at 10,240 MB (5.8 vCPUs' worth). */
export function threadsForMemory(memoryMB: number): number {
  return Math.max(1, Math.floor(memoryMB / LAMBDA_MB_PER_VCPU));
}
