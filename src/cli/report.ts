/** What one `check` run found, independent of the output format. */
import { Level } from '../engine';
import { ProofSubject } from '../prover/subjects';
import { AttackResult, Verdict } from '../prover/types';

export interface ReportFinding {
  /** The template's path as given on the command line or found under a directory (a stack's template file for a cloud assembly). */
  readonly file: string;
  /** `file` relative to the working directory with forward slashes (SARIF artifact locations). */
  readonly uri: string;
  /** The CloudFormation stack name, for a template of a cloud assembly (the parent stack's, for a nested stack). */
  readonly stack?: string;
  /** The construct path of the CDK NestedStack, for a nested stack template of a cloud assembly. */
  readonly nestedStack?: string;
  readonly resource: string;
  readonly rule: string;
  readonly level: Level;
  readonly message: string;
  readonly findingId: string;
  /** 1-based line of the offending node, when lines were asked for. */
  readonly line?: number;
  /** 1-based column of the offending node in UTF-16 code units, with `line`. */
  readonly column?: number;
  /** The construct path of the resource (`Stack/Role/Resource`), for a template of a cloud assembly whose metadata maps its logical id. */
  readonly constructPath?: string;
}

/**
 * A finding acknowledged in the CDK app (`Validations.of(scope).acknowledge(...)`, read from a cloud assembly) or in the
 * template's `Metadata` (`cross-account-trust: acknowledge: [{ id, reason }]`): reported apart, never failing the run.
 */
export interface AcknowledgedFinding extends ReportFinding {
  readonly reason: string;
  readonly acknowledgedIn: 'template' | 'cdk';
  /** The id the acknowledgement names, as written. */
  readonly acknowledgedId: string;
  /** Where it is: the path in the template (`Resources.Role.Metadata.cross-account-trust.acknowledge[0]`), or the construct path of the acknowledging scope. */
  readonly acknowledgedAt: string;
  /** 1-based line of a template acknowledgement (its StackSet's TemplateBody inside a body), when lines were asked for. */
  readonly acknowledgedLine?: number;
}

/** Where an error or notice is and what it says; only `file` and `message` are always known. */
export interface ReportLocatedMessage {
  readonly file: string;
  /** Undefined for a problem of the engine itself, which is about no file. */
  readonly uri?: string;
  readonly stack?: string;
  readonly nestedStack?: string;
  /** The resource it is about (a StackSet whose body could not be read), when there is one. */
  readonly resource?: string;
  /** The construct path of `resource`, as for findings. */
  readonly constructPath?: string;
  readonly message: string;
  readonly line?: number;
  /** With `line`, when the column is known. */
  readonly column?: number;
}

export interface ReportError extends ReportLocatedMessage {
  /**
   * `input`: the file could not be read or parsed; `check`: it parsed but the engine could not analyse all of it;
   * `acknowledgement`: an acknowledgement in its Metadata is malformed or matches no finding (its findings are still reported).
   */
  readonly kind: 'input' | 'check' | 'acknowledgement';
}

/**
 * What the check cannot see of the template CloudFormation deploys (a macro's output, an AWS::Include snippet) or how
 * it read a construct (a loop over a parameter's Default). Notices do not fail a run.
 */
export type ReportNotice = ReportLocatedMessage;

export interface ReportSummary {
  /** Templates read (those that failed to parse included). */
  readonly files: number;
  /** Templates handed to the engine: those read and parsed. */
  readonly checked: number;
  /** Files found under a directory that are not CloudFormation templates. */
  readonly skipped: number;
  /** Files left out by --exclude or the config file's exclude. */
  readonly excluded: number;
  /** Resources looked at, StackSet inner resources included. */
  readonly resources: number;
  readonly findings: number;
  readonly acknowledged: number;
}

/** What a run with `--baseline` did with it. */
export interface BaselineOutcome {
  /** The baseline file as named. */
  readonly file: string;
  /** Findings the baseline holds: not in `findings`, never failing the run. */
  readonly unchanged: ReportFinding[];
  /** Entries no finding matches any more, of templates the run checked (or that are gone) and rules it ran: fixed, or moved. */
  readonly stale: ReadonlyArray<{ readonly file: string; readonly resource: string; readonly rule: string; readonly findingId: string }>;
}

/** A template the rules ran on (it was read and parsed), and the resources they looked at in it. */
export interface ReportTemplate {
  readonly file: string;
  readonly uri: string;
  readonly stack?: string;
  readonly nestedStack?: string;
  /** Logical ids of the resources of a type the rules read (`<StackSet>/<Inner>` inside a StackSet body). */
  readonly resources: readonly string[];
}

/** Where a proof's resource is, as for findings. */
export interface ProofLocation {
  readonly file: string;
  readonly uri: string;
  readonly stack?: string;
  readonly nestedStack?: string;
  readonly constructPath?: string;
  /** 1-based line (and column) of the resource, when lines were asked for (a StackSet's, for a resource inside its body). */
  readonly line?: number;
  readonly column?: number;
}

/** What `check --prove` asks the prover about one resource (one input of a role: a variant), and where the resource is. */
export interface ReportSubject {
  readonly where: ProofLocation;
  readonly subject: ProofSubject;
}

/**
 * The prover's verdict on one input of a resource (`check --prove`): reported beside the findings, never changing
 * them or the exit code.
 */
export interface ReportProof extends ProofLocation {
  readonly resource: string;
  /** The finding-id prefix of a resource inside a StackSet body (`Inner.`), when there is one. */
  readonly findingIdPrefix?: string;
  readonly kind: 'trust' | 'deputy';
  /** The conditions (and deploy-time choices) under which this input holds, when the resource has several. */
  readonly variant?: string;
  readonly verdict: Verdict;
  readonly attacks: readonly AttackResult[];
}

export interface Report {
  /** Every template checked, in the order read. */
  readonly templates: ReportTemplate[];
  /** New findings, when a baseline was used. */
  readonly findings: ReportFinding[];
  readonly acknowledged: AcknowledgedFinding[];
  readonly errors: ReportError[];
  readonly notices: ReportNotice[];
  readonly summary: ReportSummary;
  /** The paths of the templates checked (relative to the working folder, forward slashes). */
  readonly checked: readonly string[];
  readonly baseline?: BaselineOutcome;
  /** With --prove: what the prover is asked, in the order of the templates and resources. */
  readonly subjects?: readonly ReportSubject[];
  /** With --prove: the proofs of `subjects`, in the same order. */
  readonly proofs?: readonly ReportProof[];
}
