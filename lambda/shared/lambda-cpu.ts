/**
 * What CPU a Lambda function gets for its memory: "At 1,769 MB, a function has the equivalent of one
 * vCPU (one vCPU-second of credits per second)", and CPU scales with memory up to 6 vCPUs at
 * 10,240 MB (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). Inside the
 * function `os.availableParallelism()` reports the host's cores, not this share, so a thread count
 * is decided from the memory size instead.
 */

/** Memory that buys one full vCPU. */
export const LAMBDA_MB_PER_VCPU = 1769;
/** The most vCPUs a function gets (at 10,240 MB). */
export const LAMBDA_MAX_VCPUS = 6;

/** Threads that each get a whole vCPU at this memory size: 1 below 3,538 MB, 2 from there, up to 6. */
export function threadsForMemory(memoryMB: number): number {
  return Math.min(LAMBDA_MAX_VCPUS, Math.max(1, Math.floor(memoryMB / LAMBDA_MB_PER_VCPU)));
}
