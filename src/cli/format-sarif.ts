/**
 * SARIF 2.1.0 for GitHub code scanning (and any other SARIF viewer): one rule descriptor per XAT rule from
 * the rule metadata, one result per finding (an acknowledged one with its suppression), and the inputs that could not be
 * checked as notifications.
 */
import { createHash } from 'crypto';
import type { Location, Log, LogicalLocation, Notification, ReportingDescriptor, Result, Suppression } from 'sarif';
import { findingFingerprint } from './fingerprint';
import { PackageInfo } from './package-info';
import { PROOF_RULES, proofSummary } from './proofs';
import { AcknowledgedFinding, Report, ReportFinding, ReportLocatedMessage, ReportProof } from './report';
import { ALL_RULES, ruleAnchor } from '../rules';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * GitHub ranks security alerts by `security-severity` (7.0-8.9 is "high", 4.0-6.9 "medium"); without it every
 * alert shows as a plain error or warning.
 */
const SECURITY_SEVERITY = { error: '8.0', warning: '5.0' } as const;

/** The rule's section of RULES.md on the repository's main branch, where its failing and passing examples are. */
function helpUri(rule: (typeof ALL_RULES)[number], pkg: PackageInfo): string | undefined {
  return pkg.repositoryUrl === undefined ? undefined : `${pkg.repositoryUrl}/blob/main/RULES.md#${ruleAnchor(rule)}`;
}

function ruleDescriptor(rule: (typeof ALL_RULES)[number], pkg: PackageInfo): ReportingDescriptor {
  const uri = helpUri(rule, pkg);
  return {
    id: rule.id,
    name: `CrossAccountTrust-${rule.id}`,
    shortDescription: { text: rule.cause },
    fullDescription: { text: rule.explanation },
    ...(uri !== undefined ? { helpUri: uri } : {}),
    help: {
      text: `${rule.fix}\n\n${rule.explanation}`,
      markdown: `**Fix:** ${rule.fix}\n\n**Why:** ${rule.explanation}`,
    },
    defaultConfiguration: { level: rule.level },
    properties: { 'tags': ['security', 'iam', 'cross-account'], 'security-severity': SECURITY_SEVERITY[rule.level] },
  };
}

/** The descriptor of a proof verdict's rule: proofs are results of their own rules, beside those of the XAT rules. */
function proofDescriptor(rule: (typeof PROOF_RULES)[number]): ReportingDescriptor {
  return {
    id: rule.id,
    name: `CrossAccountTrust-${rule.id}`,
    shortDescription: { text: `Proof: ${rule.verdict}` },
    fullDescription: { text: rule.text },
    help: { text: rule.text },
    defaultConfiguration: { level: rule.level },
    properties: { tags: ['security', 'iam', 'cross-account', 'proof'] },
  };
}

/** What identifies a proof across runs: its rule, file, resource, kind and variant (not its line or attacks). */
function proofFingerprint(p: ReportProof, ruleId: string): string {
  return createHash('sha256').update([ruleId, p.uri, p.resource, p.kind, p.variant ?? ''].join('\u0000')).digest('hex');
}

/** A relative path as a URI reference: each segment percent-encoded (spaces, `#`, `%`), the separators kept. */
function uriReference(relativePath: string): string {
  return relativePath.split('/').map(encodeURIComponent).join('/');
}

/**
 * The resource as a logical location: its CloudFormation logical id (qualified by the stack), and for a cloud
 * assembly its CDK construct path, which is where the code that made it is.
 */
function logicalLocations(f: Pick<ReportFinding, 'resource' | 'stack' | 'constructPath'>): LogicalLocation[] {
  return [
    { name: f.resource, fullyQualifiedName: f.stack !== undefined ? `${f.stack}/${f.resource}` : f.resource, kind: 'resource' },
    ...(f.constructPath !== undefined ? [{ name: f.constructPath.split('/').pop(), fullyQualifiedName: f.constructPath, kind: 'object' }] : []),
  ];
}

function errorLocation(e: ReportLocatedMessage): Location[] | undefined {
  if (e.uri === undefined) return undefined;
  const region = e.line !== undefined ? { region: { startLine: e.line, ...(e.column !== undefined ? { startColumn: e.column } : {}) } } : {};
  return [{ physicalLocation: { artifactLocation: { uri: uriReference(e.uri) }, ...region } }];
}

/** Where the acknowledgement is: its line in the template, or the construct it was made on in the CDK app. */
function suppression(f: AcknowledgedFinding): Suppression {
  const location: Location = f.acknowledgedIn === 'template'
    ? {
      physicalLocation: {
        artifactLocation: { uri: uriReference(f.uri) },
        ...(f.acknowledgedLine !== undefined ? { region: { startLine: f.acknowledgedLine } } : {}),
      },
      logicalLocations: [{ fullyQualifiedName: f.acknowledgedAt, kind: 'object' }],
    }
    : { logicalLocations: [{ fullyQualifiedName: f.acknowledgedAt, kind: 'resource' }] };
  return {
    kind: 'inSource',
    status: 'accepted',
    justification: f.reason,
    location,
    properties: { acknowledgedIn: f.acknowledgedIn, acknowledgedId: f.acknowledgedId },
  };
}

export function formatSarif(report: Report, pkg: PackageInfo): string {
  const ruleIndex = new Map(ALL_RULES.map((r, i) => [r.id, i]));
  const result = (f: ReportFinding): Result => ({
    ruleId: f.rule,
    ruleIndex: ruleIndex.get(f.rule),
    level: f.level,
    message: { text: f.message },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: uriReference(f.uri) },
        region: { startLine: f.line ?? 1, ...(f.column !== undefined ? { startColumn: f.column } : {}) },
      },
      logicalLocations: logicalLocations(f),
    }],
    partialFingerprints: { 'crossAccountTrustFinding/v1': findingFingerprint(f) },
    properties: {
      findingId: f.findingId,
      ...(f.stack !== undefined ? { stack: f.stack } : {}),
      ...(f.nestedStack !== undefined ? { nestedStack: f.nestedStack } : {}),
      ...(f.constructPath !== undefined ? { constructPath: f.constructPath } : {}),
    },
  });
  const baseline = report.baseline;
  // An acknowledged finding is a result with an accepted in-source suppression: code scanning shows it as suppressed,
  // with the reason, rather than not at all. With a baseline, every other result says whether it is new; those the
  // baseline holds get an accepted external suppression, for the same reason.
  const results: Result[] = [
    ...report.findings.map((f): Result => ({ ...result(f), ...(baseline ? { baselineState: 'new' } : {}) })),
    ...(baseline?.unchanged ?? []).map((f): Result => ({
      ...result(f),
      baselineState: 'unchanged',
      suppressions: [{ kind: 'external', status: 'accepted', justification: `accepted in the baseline ${baseline!.file}` }],
    })),
    ...report.acknowledged.map((f): Result => ({ ...result(f), suppressions: [suppression(f)] })),
  ];
  const proofRules = report.proofs !== undefined ? PROOF_RULES : [];
  for (const p of report.proofs ?? []) {
    const index = PROOF_RULES.findIndex((r) => r.verdict === p.verdict);
    const rule = PROOF_RULES[index];
    results.push({
      ruleId: rule.id,
      ruleIndex: ALL_RULES.length + index,
      // A safe verdict is a passing check: SARIF's kind `pass`, which has no level.
      ...(p.verdict === 'safe' ? { kind: 'pass', level: 'none' } : { level: rule.level as Result.level }),
      message: { text: `${p.kind === 'trust' ? 'Trust' : 'Deputy'} proof of ${p.resource}${p.variant !== undefined ? ` (${p.variant})` : ''}: ${p.verdict}: ${proofSummary(p)}` },
      locations: [{
        physicalLocation: {
          artifactLocation: { uri: uriReference(p.uri) },
          region: { startLine: p.line ?? 1, ...(p.column !== undefined ? { startColumn: p.column } : {}) },
        },
        logicalLocations: logicalLocations({ resource: p.resource, stack: p.stack, constructPath: p.constructPath }),
      }],
      partialFingerprints: { 'crossAccountTrustProof/v1': proofFingerprint(p, rule.id) },
      properties: {
        kind: p.kind,
        verdict: p.verdict,
        ...(p.variant !== undefined ? { variant: p.variant } : {}),
        ...(p.findingIdPrefix !== undefined ? { findingIdPrefix: p.findingIdPrefix } : {}),
        attacks: p.attacks,
        ...(p.stack !== undefined ? { stack: p.stack } : {}),
        ...(p.nestedStack !== undefined ? { nestedStack: p.nestedStack } : {}),
      },
    });
  }
  const notification = (level: 'error' | 'note') => (e: ReportLocatedMessage): Notification => {
    const locations = errorLocation(e);
    return {
      level,
      message: { text: `${e.file}: ${e.resource !== undefined ? `${e.resource}: ` : ''}${e.message}` },
      ...(locations ? { locations } : {}),
    };
  };
  // A notice is about the run (what it could not see), not a result in the code: a note-level notification.
  const notifications: Notification[] = [...report.errors.map(notification('error')), ...report.notices.map(notification('note'))];
  if (baseline !== undefined && baseline.stale.length > 0) {
    notifications.push({
      level: 'note',
      message: {
        text: `${baseline.stale.length === 1 ? '1 entry' : `${baseline.stale.length} entries`} of the baseline ${baseline.file} no longer `
          + `${baseline.stale.length === 1 ? 'matches' : 'match'} a finding `
          + `(fixed, or moved to another file, resource or finding id): ${baseline.stale.map((e) => `${e.file}: ${e.resource}: ${e.rule} [${e.findingId}]`).join('; ')}`,
      },
    });
  }
  const log: Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'cross-account-trust',
          version: pkg.version,
          semanticVersion: pkg.version,
          ...(pkg.repositoryUrl ? { informationUri: pkg.repositoryUrl } : {}),
          rules: [...ALL_RULES.map((r) => ruleDescriptor(r, pkg)), ...proofRules.map(proofDescriptor)],
        },
      },
      invocations: [{ executionSuccessful: report.errors.length === 0, toolExecutionNotifications: notifications }],
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
