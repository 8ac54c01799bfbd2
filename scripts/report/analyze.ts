/**
 * The report of one synthesized stack: its model (model/), the findings of both rule packs, the capacity check
 * and the cost estimate. Everything a renderer writes comes from here; nothing here is prose for people except
 * the findings' messages, which the rules write.
 */
import type { AccessOptions } from '../../model/access';
import { buildStackModel } from '../../model/build';
import { factsFromTags } from '../../terraform-json/facts';
import type { StackModel } from '../../model/types';
import type { DeploymentFacts } from '../../terraform-json/facts';
import { sortFindings, runRules } from '../../stacks/rules/engine';
import { SYNTH_GATE } from '../../stacks/rules/packs';
import type { TerraformJson } from '../../terraform-json/stack-json';
import type { Finding } from '../../stacks/rules/rule';
import { capacityCheck, type CapacityCheck } from './capacity';
import { evaluateControls, type ControlResult } from './controls';
import { estimateCost, estimateStandingCost, workgroupCutoffBytes, type CostEstimate, type StandingCost } from './cost';
import { erasurePlan, type ErasurePlan } from './erasure';
import { REPORT_ONLY } from './rules/pack';

export interface StackReport {
  stack: string;
  model: StackModel;
  /** The configured peak against the region's Firehose quotas (pipeline stacks synthesized from a configuration). */
  capacity: CapacityCheck | null;
  findings: Finding[];
  /** The Security Hub controls that apply to what it deploys, and their status. */
  controls: ControlResult[];
  cost: CostEstimate | null;
  /**
   * A stack without a pipeline: its keys' monthly price and what it leaves out (absent in reports written before it).
   */
  standingCost?: StandingCost | null;
  /** How an erasure request is served (pipeline stacks). */
  erasure: ErasurePlan | null;
}

/**
 * The report of one stack from its Terraform JSON and its deployment facts (or, without them, its tags); `access`
 * adds the deploy roles' policies (deploy-policy.json) and organization policies to its access matrix.
 */
export function analyzeStack(
  stack: string,
  tf: TerraformJson,
  facts: DeploymentFacts = factsFromTags(stack, tf),
  access: AccessOptions = {},
): StackReport {
  const model = buildStackModel(tf, facts, access);
  const stream = model.stores.find((s) => s.role === 'buffer')?.name;
  const capacity = facts.configured && stream ? capacityCheck(facts.region, facts.configured.capacity) : null;
  // One engine, two packs: the synth gate's rules (what failed or warned at synth) and the report's own.
  const input = {
    tf,
    context: { region: facts.region, allowedRegions: facts.allowedRegions },
    model,
    capacity,
    ...(stream ? { stream } : {}),
  };
  const findings = sortFindings([...runRules(SYNTH_GATE, input), ...runRules(REPORT_ONLY, input)]);
  return {
    stack,
    model,
    capacity,
    findings,
    controls: evaluateControls(tf, model, findings),
    cost: estimateCost(tf),
    standingCost: estimateStandingCost(tf),
    erasure: erasurePlan(model, facts.region, workgroupCutoffBytes(tf)),
  };
}
