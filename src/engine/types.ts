/**
 * The contract between the rule engine and its front ends (cdk-nag pack, CLI, later the prover
 * and the verifier). Everything here is plain data so that every front end reads the same findings.
 */

/** Severity of a rule. */
export type Level = 'error' | 'warning';

/** One CloudFormation template handed to the engine. */
export interface TemplateInput {
  /** Where the template came from: a file path for the CLI, the stack's construct path for the nag pack. */
  readonly source: string;
  /** The parsed template (intrinsics in long form: `{ "Ref": ... }`, `{ "Fn::Sub": ... }`). */
  readonly template: unknown;
  /**
   * The 12-digit account the template is deployed to, when the caller knows it.
   * `{ "Ref": "AWS::AccountId" }` is always the own account, whatever this says.
   */
  readonly account?: string;
}

/** Options shared by every front end; the defaults are the library's hardening baseline. */
export interface CheckOptions {
  /** @default 32 */
  readonly minExternalIdLength?: number;
  /** @default 112 */
  readonly minExternalIdEntropyBits?: number;
  /** @default 3600 */
  readonly maxSessionDurationSeconds?: number;
  /** Account ids of the user's own organisation: trust from them is not third-party trust. @default [] */
  readonly internalAccounts?: readonly string[];
  /**
   * Ids of the rules to run (`XAT3`); the others are not run at all, so neither their findings nor their failures
   * are reported. @default every rule
   */
  readonly rules?: readonly string[];
  /**
   * Parses the text of a StackSet `TemplateBody` (JSON or YAML with CloudFormation tags).
   * @default JSON.parse only
   */
  readonly parseTemplateBody?: (text: string) => unknown;
}

/** A rule violation. */
export interface Finding {
  /** Rule id, e.g. `XAT3`. */
  readonly ruleId: string;
  readonly level: Level;
  /** `TemplateInput.source` of the template holding the resource. */
  readonly source: string;
  /** Logical id of the resource; `<StackSetLogicalId>/<InnerLogicalId>` inside a StackSet `TemplateBody`. */
  readonly resource: string;
  /**
   * Short id of this finding within the rule and resource (Sid or statement index, principal kind),
   * free of raw ARNs and `::` so it can be acknowledged as `CrossAccountTrust-XAT3[<findingId>]`.
   */
  readonly findingId: string;
  /** What is wrong, on which statement and principal, and what to write instead. */
  readonly message: string;
  /**
   * Path from the root of the outer template to the offending node (for line numbers in SARIF).
   * Inside a StackSet body, it stops at the `TemplateBody` property.
   */
  readonly path: ReadonlyArray<string | number>;
}

/** A template the engine could not analyse as a whole (its other templates are still checked). */
export interface TemplateError {
  readonly source: string;
  readonly message: string;
  /** The resource the error is about (a StackSet whose body could not be parsed), when there is one. */
  readonly resource?: string;
  /** Where in the template, when the error is about a part of it other than a resource (an `Fn::ForEach` loop). */
  readonly path?: ReadonlyArray<string | number>;
}

/**
 * What the check cannot see of the template CloudFormation deploys (a macro's output, an `AWS::Include` snippet), or
 * how it read a construct: reported beside the findings, without failing a run.
 */
export interface TemplateNotice {
  readonly source: string;
  readonly message: string;
  readonly resource?: string;
  readonly path?: ReadonlyArray<string | number>;
}

export interface CheckResult {
  readonly findings: Finding[];
  readonly errors: TemplateError[];
  readonly notices: TemplateNotice[];
  /** Number of resources looked at, StackSet inner resources included. */
  readonly resources: number;
  /**
   * Of each input, in the order added, the resources the rules ran on (those of a type the engine reads; inside a
   * StackSet body `<StackSet>/<Inner>`), as findings name them: what a report that lists passing checks lists.
   */
  readonly checked: ReadonlyArray<{ readonly source: string; readonly resources: readonly string[] }>;
}

/** What a rule says about itself; RULES.md, SARIF descriptors, CLI help and nag messages come from here. */
export interface RuleInfo {
  readonly id: string;
  readonly level: Level;
  /** One line: what fires it. */
  readonly cause: string;
  /** Why it matters, with the attack it prevents. */
  readonly explanation: string;
  /** What to write instead. */
  readonly fix: string;
}
