import { type JobInput, type QueueName, queueNames } from '@nightshift/contracts';
import { type FlowOpts, FlowProducer, type FlowProducerOptions, type JobNode, type JobsOptions } from 'bullmq';
import { withContractVersion } from './contract-version.js';
import { type RedisTarget, resolveRedisTarget, withDefaultJobOptions } from './queue-options.js';
import { ensureJobData } from './validate.js';

/** A flow node over our queues: its `data` must match the contract of its `queueName`. */
export type ContractFlowJob = {
  [Q in QueueName]: {
    queueName: Q;
    name: string;
    data: JobInput[Q];
    opts?: Omit<JobsOptions, 'repeat' | 'parent'>;
    /** Children run first; the parent waits in `waiting-children` until they complete. */
    children?: ContractFlowJob[];
  };
}[QueueName];

export interface CreateFlowProducerOptions extends Omit<FlowProducerOptions, 'connection' | 'prefix'>, RedisTarget {}

/** Every node of the tree is validated before any job is written, and records its contract version. */
export class ContractFlowProducer extends FlowProducer {
  override async add(flow: ContractFlowJob, opts?: FlowOpts): Promise<JobNode> {
    return super.add(validateFlow(flow), withQueueDefaults(opts));
  }

  override async addBulk(flows: ContractFlowJob[]): Promise<JobNode[]> {
    // BullMQ's addBulk takes no queue options, so each root carries the defaults itself.
    return super.addBulk(flows.map(validateFlow).map(applyDefaultsToTree));
  }
}

export function createFlowProducer(options: CreateFlowProducerOptions = {}): ContractFlowProducer {
  const { connection, redisUrl, prefix, ...rest } = options;
  return new ContractFlowProducer({ ...rest, ...resolveRedisTarget('producer', { connection, redisUrl, prefix }) });
}

function validateFlow(node: ContractFlowJob): ContractFlowJob {
  const data = ensureJobData(node.queueName, node.data);
  const opts = withContractVersion(node.queueName, node.opts);
  return { ...node, data, opts, children: node.children?.map(validateFlow) } as ContractFlowJob;
}

function withQueueDefaults(opts?: FlowOpts): FlowOpts {
  const queuesOptions = Object.fromEntries(queueNames.map((queue) => [queue, { defaultJobOptions: withDefaultJobOptions() }]));
  return { ...opts, queuesOptions: { ...queuesOptions, ...opts?.queuesOptions } };
}

function applyDefaultsToTree(node: ContractFlowJob): ContractFlowJob {
  return {
    ...node,
    opts: { ...withDefaultJobOptions(), ...node.opts },
    children: node.children?.map(applyDefaultsToTree),
  } as ContractFlowJob;
}
