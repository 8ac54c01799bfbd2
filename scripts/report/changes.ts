/**
 * The change review's data: what a change is (section, kind, subject, field, effects), a stack's review, the HCP
 * Terraform workspaces stacks' changes, and changes.json's shape (`ChangesJson`), which CI gates, the e2e and the
 * report's page read. scripts/review/ fills them (compare.ts, workspaces.ts, render.ts writes changes.json); the report
 * reads them (changes-section.ts, words/review.ts, words/workspaces.ts) and never imports the review.
 */
import type { AccessLevel, AccessPrincipal, AccessRequest, AccessTarget } from '../../model/access';
import type { Encryption, Retention, StackModel, Statement, Store } from '../../model/types';
import type { CostComponent } from './cost';
import type { HcpWorkspace, WorkspacesModel } from './workspaces';

export const SECTIONS = [
  'stack',
  'residency',
  'data stores',
  'retention',
  'encryption',
  'exposure',
  'access',
  'protection',
  'alerts',
  'cost',
] as const;
export type Section = (typeof SECTIONS)[number];

/**
 * What a change does, as the gate and the verdict read it. `moves-data`: to another account, same region;
 * `moves-residency`: data goes to another region or jurisdiction, or a stack is in a region outside its jurisdiction
 * (residency.ts).
 */
export type Effect =
  | 'widens-access'
  | 'narrows-access'
  | 'shortens-retention'
  | 'lengthens-retention'
  | 'weakens-protection'
  | 'strengthens-protection'
  | 'moves-data'
  | 'moves-residency';

/** The effects that fail `--fail-on-widening`. */
export const GATED: Effect[] = ['moves-residency', 'widens-access', 'shortens-retention', 'weakens-protection'];

/** What a change is about: a thing of the stack, by its AWS name and (where it has one) its Terraform address. */
export type Subject =
  | { kind: 'stack' }
  | { kind: 'store'; name: string; address: string; storeKind: Store['kind'] }
  | { kind: 'key'; name: string; address: string }
  | { kind: 'role'; name: string; address: string }
  | { kind: 'managed-policy'; name: string; address: string }
  | { kind: 'resource-policy'; name: string; address: string }
  | { kind: 'alert'; name: string; address: string }
  | { kind: 'destination'; name: string; address: string }
  | { kind: 'cost'; eventsPerMonth: number }
  /** Who gains or loses access (access matrix): the principal as evaluated. */
  | { kind: 'principal'; principal: AccessPrincipal };

export type Field =
  | { kind: 'account'; before: string; after: string }
  | {
      kind: 'region';
      before: string;
      after: string;
      jurisdictionBefore: string | null;
      jurisdictionAfter: string | null;
    }
  | { kind: 'jurisdiction'; before: string | null; after: string | null; region: string }
  /** A bucket's replication destination (copies.ts); `outsideStack`: not one of the stack's own buckets. */
  | { kind: 'replication'; destination: string; outsideStack: boolean }
  | { kind: 'access-log-target'; before: string | null; after: string | null }
  | { kind: 'acl-grant'; grant: string }
  /**
   * A stack in a region outside its jurisdiction (a configured exception allows it), with the region's
   * own jurisdictions.
   */
  | {
      kind: 'outside-jurisdiction';
      region: string;
      jurisdiction: string;
      regionJurisdictions: string[];
      reason: string | null;
    }
  | { kind: 'backend'; before: StackModel['identity']['backend']; after: StackModel['identity']['backend'] }
  | { kind: 'residency-exception'; region: string }
  | { kind: 'existence' }
  | { kind: 'encryption'; before: Encryption; after: Encryption }
  | { kind: 'key-rotation'; before: boolean; after: boolean }
  | { kind: 'public-access'; before: Store['publicAccess']; after: Store['publicAccess'] }
  | { kind: 'tls-only'; before: boolean | null; after: boolean | null }
  | { kind: 'protection'; before: Store['protection']; after: Store['protection'] }
  | { kind: 'retention'; before: Retention; after: Retention }
  | { kind: 'trust-statement'; statement: Statement }
  | { kind: 'permission'; statement: Statement }
  | { kind: 'managed-policy'; arn: string }
  | { kind: 'policy-statement'; statement: Statement }
  | { kind: 'account-iam-access'; before: boolean; after: boolean }
  | {
      kind: 'monthly-total';
      before: number;
      after: number;
      notPricedBefore: CostComponent[];
      notPricedAfter: CostComponent[];
    }
  /** A cell of the access matrix that changed: what the principal may now do to the target, as evaluated. */
  | {
      kind: 'access';
      request: AccessRequest;
      target: AccessTarget;
      before: AccessLevel;
      after: AccessLevel;
      actions: string[];
      conditionKeys: string[];
    };

export interface Change {
  section: Section;
  kind: 'added' | 'removed' | 'changed';
  subject: Subject;
  field: Field;
  effects: Effect[];
}

/** One stack of either side, matched. */
export interface StackReview {
  /** The current stack's name (the base's for a removed stack). */
  stack: string;
  /** The base's name, when it differs (a move). */
  baseStack?: string;
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  changes: Change[];
  /** The effects of all changes, each once, in the order of `Effect`. */
  effects: Effect[];
  /** For the verdict's words: the model of the current stack (the base's for a removed stack). */
  model: StackModel;
  /** The base model, for a changed stack. */
  baseModel?: StackModel;
  /** Changes seen in the live account that the plan's configuration did not make (a plan review only). */
  source: 'change' | 'drift';
}

/** What changed in a workspace both sides have, as data: its value before and after. */
export type WorkspaceField =
  /** A dynamic-credential variable (`TFC_AWS_*`); null: unset on that side. */
  | { kind: 'credential'; variable: string; before: string | null; after: string | null }
  /** The repository whose commits start runs; null: runs come from the CLI. */
  | { kind: 'vcs'; before: string | null; after: string | null }
  | { kind: 'auto-apply'; before: boolean; after: boolean }
  | { kind: 'execution-mode'; before: string; after: string }
  | { kind: 'project'; before: string; after: string };

/**
 * One change of a workspaces stack, as data (its words are scripts/report/words/workspaces.ts's, applied at render):
 * a workspace added (with its settings), removed, or one of its fields changed.
 */
export type WorkspaceChange = { workspace: string; effects: Effect[] } & (
  { kind: 'added'; settings: HcpWorkspace } | { kind: 'removed' } | { kind: 'changed'; field: WorkspaceField }
);

export interface WorkspacesReview {
  stack: string;
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  changes: WorkspaceChange[];
  /** The effects of all changes, each once. */
  effects: Effect[];
  /** For the verdict's words: the current stack's model (the base's for a removed stack). */
  model: WorkspacesModel;
}

/** changes.json: what CI gates read, and what the report's page shows the review from. */
export interface ChangesJson {
  base: string;
  /** The fingerprint of the synth reviewed (files.ts), so a later report knows whether it is the same. */
  synth: string;
  stacks: {
    stack: string;
    baseStack?: string;
    source: StackReview['source'];
    status: StackReview['status'];
    verdict: string;
    effects: Effect[];
    changes: (Change & { words: string })[];
  }[];
  /** The HCP Terraform workspaces stacks (scripts/review/workspaces.ts), each change as data with its words. */
  workspaces: {
    stack: string;
    status: WorkspacesReview['status'];
    verdict: string;
    effects: Effect[];
    changes: (WorkspaceChange & { words: string })[];
  }[];
}
