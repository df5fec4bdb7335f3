import { Report, ReportFinding } from './report';

function finding(f: ReportFinding) {
  return {
    file: f.file,
    resource: f.resource,
    rule: f.rule,
    level: f.level,
    message: f.message,
    findingId: f.findingId,
    ...(f.line !== undefined ? { line: f.line } : {}),
    ...(f.stack !== undefined ? { stack: f.stack } : {}),
    ...(f.nestedStack !== undefined ? { nestedStack: f.nestedStack } : {}),
  };
}

/**
 * The stable JSON shape documented in the README: `version`, `findings` (file, resource, rule, level, message),
 * `errors` (file, message) and `summary` (files, skipped, resources, findings). The rest is extra: `findingId`,
 * `line`, `stack` and `nestedStack` of findings, `resource` of errors, the `acknowledged` findings of a cloud assembly and their count, and `notices` when there are any (what the check could not see of the deployed template).
 */
export function formatJson(report: Report, version: string): string {
  const output = {
    version,
    findings: report.findings.map(finding),
    errors: report.errors.map((e) => ({
      file: e.file,
      message: e.message,
      ...(e.resource !== undefined ? { resource: e.resource } : {}),
      ...(e.line !== undefined ? { line: e.line } : {}),
      ...(e.stack !== undefined ? { stack: e.stack } : {}),
      ...(e.nestedStack !== undefined ? { nestedStack: e.nestedStack } : {}),
    })),
    // Only when there are any, so that the documented shape of a run without them stays as it was.
    ...(report.notices.length > 0 ? {
      notices: report.notices.map((n) => ({
        file: n.file,
        message: n.message,
        ...(n.resource !== undefined ? { resource: n.resource } : {}),
        ...(n.line !== undefined ? { line: n.line } : {}),
        ...(n.stack !== undefined ? { stack: n.stack } : {}),
        ...(n.nestedStack !== undefined ? { nestedStack: n.nestedStack } : {}),
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
    acknowledged: report.acknowledged.map((f) => ({ ...finding(f), reason: f.reason })),
  };
  return `${JSON.stringify(output, null, 2)}\n`;
}
