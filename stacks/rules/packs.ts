/**
 * The rule packs. The synth gate runs on every stack before anything is published (an error fails synth); the report
 * pack (scripts/report/rules/) adds what a reviewer should question and runs only in `npm run report`.
 */
import type { TerraformJson } from '../../terraform-json/stack-json';
import type { CheckContext, Finding } from './rule';
import { bucketKms, keyRotation, logGroupKms, messagingEncryption } from './encryption/at-rest';
import { runRules } from './engine';
import { anyPrincipal } from './exposure/any-principal';
import { bucketPublicAccess, bucketTlsOnly } from './exposure/bucket-access';
import { messagingTlsOnly } from './exposure/messaging-tls';
import { policyCatalogue } from './grammar/policy-catalogue';
import { cloudShellFullAccess } from './least-privilege/cloudshell-full-access';
import { managedPolicy } from './least-privilege/managed-policy';
import { policyParseable } from './least-privilege/policy-parseable';
import { wildcardAction } from './least-privilege/wildcard-action';
import { wildcardResource } from './least-privilege/wildcard-resource';
import { firehoseAlarms, topicSubscribed } from './monitoring/firehose-alarms';
import { bucketBeforeKey } from './protection/bucket-before-key';
import { preventDestroy } from './protection/prevent-destroy';
import { providerRegion } from './residency/provider-region';
import { queryResultsLocation } from './residency/query-results-location';
import { referencedRegion } from './residency/referenced-region';
import { stateLocation } from './residency/state-location';
import type { PolicyRule } from './rule';
import { cognitoGuest } from './trust/cognito-guest';
import { confusedDeputy } from './trust/confused-deputy';
import { ifExistsGuard } from './trust/if-exists-guard';

export const SYNTH_GATE: PolicyRule[] = [
  providerRegion,
  stateLocation,
  referencedRegion,
  queryResultsLocation,
  policyParseable,
  policyCatalogue,
  wildcardResource,
  wildcardAction,
  managedPolicy,
  cloudShellFullAccess,
  anyPrincipal,
  confusedDeputy,
  ifExistsGuard,
  cognitoGuest,
  bucketKms,
  keyRotation,
  logGroupKms,
  messagingEncryption,
  bucketPublicAccess,
  bucketTlsOnly,
  messagingTlsOnly,
  preventDestroy,
  bucketBeforeKey,
  firehoseAlarms,
  topicSubscribed,
];

/** Every synth-gate finding of a synthesized stack, errors first, in a stable order. */
export function checkStack(tf: TerraformJson, context: CheckContext): Finding[] {
  return runRules(SYNTH_GATE, { tf, context });
}
