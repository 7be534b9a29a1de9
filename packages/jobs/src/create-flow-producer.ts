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

export interface CreateFlowProducerOptions
  extends Omit<FlowProducerOptions, 'connection' | 'prefix'>,
    Omit<RedisTarget, 'flowJobs'> {
  /**
   * Whether a child that fails for good fails its parent (BullMQ's `failParentOnFailure`), so a
   * flow ends instead of leaving its parent in `waiting-children` for ever. Default true, as the
   * API's flows do. A node that sets any of BullMQ's on-failure options itself keeps its own.
   */
  failParentOnChildFailure?: boolean;
}

/** The options by which a child says what its failure does to its parent; one set means the caller chose. */
const ON_FAILURE_OPTIONS = [
  'failParentOnFailure',
  'continueParentOnFailure',
  'ignoreDependencyOnFailure',
  'removeDependencyOnFailure',
] as const;

/** Every node of the tree is validated before any job is written, and records its contract version. */
export class ContractFlowProducer extends FlowProducer {
  private readonly failParentOnChildFailure: boolean;

  constructor(options: FlowProducerOptions & { failParentOnChildFailure?: boolean }) {
    const { failParentOnChildFailure = true, ...rest } = options;
    super(rest);
    this.failParentOnChildFailure = failParentOnChildFailure;
  }

  override async add(flow: ContractFlowJob, opts?: FlowOpts): Promise<JobNode> {
    return super.add(this.validateFlow(flow, true), withQueueDefaults(opts));
  }

  override async addBulk(flows: ContractFlowJob[]): Promise<JobNode[]> {
    // BullMQ's addBulk takes no queue options, so each root carries the defaults itself.
    return super.addBulk(flows.map((flow) => applyDefaultsToTree(this.validateFlow(flow, true))));
  }

  private validateFlow(node: ContractFlowJob, root: boolean): ContractFlowJob {
    const data = ensureJobData(node.queueName, node.data);
    const chosen = ON_FAILURE_OPTIONS.some((option) => node.opts?.[option] !== undefined);
    const failParent = !root && !chosen && this.failParentOnChildFailure;
    const opts = withContractVersion(node.queueName, failParent ? { ...node.opts, failParentOnFailure: true } : node.opts);
    return { ...node, data, opts, children: node.children?.map((child) => this.validateFlow(child, false)) } as ContractFlowJob;
  }
}

export function createFlowProducer(options: CreateFlowProducerOptions = {}): ContractFlowProducer {
  const { connection, redisUrl, prefix, ...rest } = options;
  return new ContractFlowProducer({ ...rest, ...resolveRedisTarget('producer', { connection, redisUrl, prefix }) });
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
