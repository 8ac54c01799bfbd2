/** The report pack: what a reviewer should question beyond the synth gate; `npm run report` runs both. */
import type { PolicyRule } from '../../../stacks/rules/rule';
import { beyondTheStack, outsiderAccess } from './access';
import { streamCapacity } from './capacity';
import { placeholderAccount } from './identity';
import type { ReportRuleInput } from './input';
import { archivedNotQueryable, keptBeyondConfig, neverExpires, smallObjectsStay } from './retention';
import {
  alarmActions,
  bucketMfaDelete,
  bucketNotifications,
  bucketObjectLock,
  bucketOwnerEnforced,
  bucketReplication,
  bucketVersioning,
  topicDeliveryLogging,
  bucketAccessLogging,
  bucketLifecycle,
  bucketPolicyOtherAccounts,
  crawlerLogsEncrypted,
  identityPoolGuests,
  logRetentionYear,
  streamEncrypted,
  workgroupMetrics,
  workgroupResultsEncrypted,
} from './security-hub';

export const REPORT_ONLY: PolicyRule<ReportRuleInput>[] = [
  keptBeyondConfig,
  neverExpires,
  placeholderAccount,
  smallObjectsStay,
  archivedNotQueryable,
  streamCapacity,
  bucketLifecycle,
  bucketAccessLogging,
  bucketPolicyOtherAccounts,
  logRetentionYear,
  workgroupMetrics,
  workgroupResultsEncrypted,
  streamEncrypted,
  crawlerLogsEncrypted,
  identityPoolGuests,
  outsiderAccess,
  beyondTheStack,
  bucketVersioning,
  bucketMfaDelete,
  bucketOwnerEnforced,
  bucketNotifications,
  bucketReplication,
  bucketObjectLock,
  topicDeliveryLogging,
  alarmActions,
];
