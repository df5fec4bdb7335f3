import { Report, ReportFinding, ReportLocatedMessage, ReportProof } from './report';

function finding(f: ReportFinding) {
  return {
    file: f.file,
    resource: f.resource,
    rule: f.rule,
    level: f.level,
    message: f.message,
    findingId: f.findingId,
    ...(f.line !== undefined ? { line: f.line } : {}),
    ...(f.column !== undefined ? { column: f.column } : {}),
    ...(f.stack !== undefined ? { stack: f.stack } : {}),
    ...(f.nestedStack !== undefined ? { nestedStack: f.nestedStack } : {}),
    ...(f.constructPath !== undefined ? { constructPath: f.constructPath } : {}),
  };
}

/** The optional fields of an error or notice, in the order of the documented shape. */
function located(e: ReportLocatedMessage) {
  return {
    ...(e.resource !== undefined ? { resource: e.resource } : {}),
    ...(e.line !== undefined ? { line: e.line } : {}),
    ...(e.column !== undefined ? { column: e.column } : {}),
    ...(e.stack !== undefined ? { stack: e.stack } : {}),
    ...(e.nestedStack !== undefined ? { nestedStack: e.nestedStack } : {}),
    ...(e.constructPath !== undefined ? { constructPath: e.constructPath } : {}),
  };
}

function proof(p: ReportProof) {
  return {
    file: p.file,
    resource: p.resource,
    ...(p.findingIdPrefix !== undefined ? { findingIdPrefix: p.findingIdPrefix } : {}),
    kind: p.kind,
    ...(p.variant !== undefined ? { variant: p.variant } : {}),
    verdict: p.verdict,
    attacks: p.attacks,
    ...(p.line !== undefined ? { line: p.line } : {}),
    ...(p.column !== undefined ? { column: p.column } : {}),
    ...(p.stack !== undefined ? { stack: p.stack } : {}),
    ...(p.nestedStack !== undefined ? { nestedStack: p.nestedStack } : {}),
    ...(p.constructPath !== undefined ? { constructPath: p.constructPath } : {}),
  };
}

/**
 * The stable JSON shape documented in the README: `version`, `findings` (file, resource, rule, level, message),
 * `errors` (file, message) and `summary` (files, skipped, resources, findings). The rest is extra: `findingId`,
 * `line`, `column`, `stack`, `nestedStack` and `constructPath` of findings (and of errors and notices), `resource` of errors, the
 * `acknowledged` findings and their count (each with its `reason`, `acknowledgedIn` `template` or `cdk`, `acknowledgedId` as written,
 * `acknowledgedAt` the path in the template or the construct path, and `acknowledgedLine`), `notices` when there are any (what the
 * check could not see of the deployed template), and with --prove `proofs` (file, resource, findingIdPrefix, kind, variant, verdict,
 * attacks with id, decision, statement and reason).
 */
export function formatJson(report: Report, version: string): string {
  const output = {
    version,
    findings: report.findings.map(finding),
    // Only with --prove: the prover's verdict on each input of each cross-account and deputy role.
    ...(report.proofs !== undefined ? { proofs: report.proofs.map(proof) } : {}),
    errors: report.errors.map((e) => ({
      file: e.file,
      message: e.message,
      ...located(e),
    })),
    // Only when there are any, so that the documented shape of a run without them stays as it was.
    ...(report.notices.length > 0 ? {
      notices: report.notices.map((n) => ({
        file: n.file,
        message: n.message,
        ...located(n),
      })),
    } : {}),
    summary: {
      files: report.summary.files,
      skipped: report.summary.skipped,
      resources: report.summary.resources,
      findings: report.summary.findings,
      acknowledged: report.summary.acknowledged,
      ...(report.summary.excluded > 0 ? { excluded: report.summary.excluded } : {}),
    },
    acknowledged: report.acknowledged.map((f) => ({
      ...finding(f),
      reason: f.reason,
      acknowledgedIn: f.acknowledgedIn,
      acknowledgedId: f.acknowledgedId,
      acknowledgedAt: f.acknowledgedAt,
      ...(f.acknowledgedLine !== undefined ? { acknowledgedLine: f.acknowledgedLine } : {}),
    })),
    // Only with --baseline: the findings it holds and its entries that no longer match.
    ...(report.baseline !== undefined ? {
      baseline: {
        file: report.baseline.file,
        unchanged: report.baseline.unchanged.map(finding),
        stale: report.baseline.stale.map((e) => ({ file: e.file, resource: e.resource, rule: e.rule, findingId: e.findingId })),
      },
    } : {}),
  };
  return `${JSON.stringify(output, null, 2)}\n`;
}
