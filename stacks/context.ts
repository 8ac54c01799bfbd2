import { partitionOf, servicePrincipal } from '../config/aws';
import type { ResolvedDeployment } from '../config/resolve';
import { arns } from './iam';

/** What every construct of a stack needs to know about its deployment, computed once per stack. */
export interface StackContext {
  readonly deployment: ResolvedDeployment;
  readonly partition: string;
  readonly arn: ReturnType<typeof arns>;
  /** Service principal in this region's partition, e.g. `firehose.amazonaws.com`. */
  readonly principal: (service: string) => string;
}

export function stackContext(deployment: ResolvedDeployment): StackContext {
  const partition = partitionOf(deployment.region);
  return {
    deployment,
    partition,
    arn: arns(partition, deployment.region, deployment.accountId),
    principal: (service) => servicePrincipal(service, deployment.region),
  };
}
