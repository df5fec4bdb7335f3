/**
 * Scans the real vendor onboarding templates in ../shared/corpus/vendors (outside the repository, so unit
 * tests never depend on it) with the CLI's own scanning code, in one run so that XAT7 compares them all,
 * and prints a Markdown table of the rule ids found per file. The files are only read.
 *
 *   npx projen corpus [--prove] [directory]
 *
 * With --prove, it also proves every cross-account and deputy role (as `check --prove`), prints the verdicts and their
 * counts, and checks the prover's acceptance on real templates (issue 13): every trust policy without an sts:ExternalId
 * condition is proven attackable by attack 1, and no role the rules pass is proven attackable.
 *
 * Exits 1 when a file could not be parsed or checked, or when a proof breaks the acceptance.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadProver, proofSummary, proveSubjects, verdictCounts } from '../src/cli/proofs';
import { Report, ReportProof } from '../src/cli/report';
import { scan } from '../src/cli/scan';
import { TRUST_ATTACKS } from '../src/prover/types';
import { ALL_RULES } from '../src/rules';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** `XAT1×2, XAT3` in rule order. */
function ruleSummary(ruleIds: readonly string[]): string {
  return ALL_RULES
    .map((r) => [r.id, ruleIds.filter((id) => id === r.id).length] as const)
    .filter(([, n]) => n > 0)
    .map(([id, n]) => (n > 1 ? `${id}×${n}` : id))
    .join(', ');
}

/** The Markdown table of a scan of `files` (paths as given to the scan). */
export function corpusTable(files: readonly string[], report: Report): string {
  const lines = ['| file | parsed | rule ids |', '|---|---|---|'];
  for (const file of files) {
    const parsed = !report.errors.some((e) => e.file === file && e.kind === 'input');
    const ruleIds = report.findings.filter((f) => f.file === file).map((f) => f.rule);
    lines.push(`| ${cell(path.basename(file))} | ${parsed ? 'yes' : 'no'} | ${ruleSummary(ruleIds) || '(none)'} |`);
  }
  return lines.join('\n');
}

/** One row per proof: where, the verdict and each request's decision (`a` allowed, `d` denied, `?` undecided), in the order of the attacks. */
export function proofTable(proofs: readonly ReportProof[]): string {
  const mark = { allowed: 'a', denied: 'd', undecided: '?' } as const;
  const lines = ['| file | resource | kind | variant | verdict | requests |', '|---|---|---|---|---|---|'];
  for (const p of proofs) {
    lines.push(`| ${cell(path.basename(p.file))} | ${cell(p.resource)} | ${p.kind} | ${cell(p.variant ?? '')} | ${p.verdict} | `
      + `${p.attacks.map((a) => mark[a.decision]).join(' ')} |`);
  }
  return lines.join('\n');
}

/** Whether a trust policy holds a condition on sts:ExternalId in an Allow statement. */
function conditionsExternalId(policy: unknown): boolean {
  const statements = (policy as { Statement?: unknown })?.Statement;
  return (Array.isArray(statements) ? statements : [statements]).some((s) => {
    const stmt = s as { Effect?: unknown; Condition?: unknown } | undefined;
    if (stmt?.Effect !== 'Allow' || typeof stmt.Condition !== 'object' || stmt.Condition === null) return false;
    return Object.values(stmt.Condition).some((block) => typeof block === 'object' && block !== null
      && Object.keys(block).some((key) => key.toLowerCase() === 'sts:externalid'));
  });
}

/**
 * The acceptance of the prover on the corpus (issue 13): every trust input without an sts:ExternalId condition is proven
 * attackable by attack 1 (the vendor role without an ExternalId), and no resource the rules pass is proven attackable.
 * `violations` break it: attack 1 denied where nothing asks for an ExternalId, or an attackable resource without a
 * finding. `unproven` are inputs without an ExternalId condition whose attack 1 the prover could not decide (a
 * condition on a key it cannot know, such as the vendor role's tags): neither proof nor disproof, listed with the reason.
 */
export function proofAcceptance(report: Report, proofs: readonly ReportProof[]): { violations: string[]; unproven: string[] } {
  const subjects = report.subjects ?? [];
  const flagged = new Set([...report.findings, ...report.acknowledged].map((f) => `${f.file}\u0000${f.resource}`));
  const violations: string[] = [];
  const unproven: string[] = [];
  proofs.forEach((p, i) => {
    const where = `${path.basename(p.file)}: ${p.resource}${p.variant !== undefined ? ` (${p.variant})` : ''}`;
    const subject = subjects[i]?.subject;
    if (p.kind === 'trust' && subject?.kind === 'trust' && !conditionsExternalId(subject.input.policy)) {
      const first = p.attacks.find((a) => a.id === TRUST_ATTACKS[0].id);
      const text = `${where}: no sts:ExternalId condition, and attack 1 (${TRUST_ATTACKS[0].description}) is ${first?.decision ?? 'missing'}`
        + `${first?.reason !== undefined ? ` (${first.reason})` : ''}`;
      if (first?.decision === 'undecided') unproven.push(text);
      else if (first?.decision !== 'allowed') violations.push(text);
    }
    if (p.verdict === 'attackable' && !flagged.has(`${p.file}\u0000${p.resource}`)) {
      violations.push(`${where}: the rules report nothing, yet the ${p.kind} proof is attackable: ${proofSummary(p)}`);
    }
  });
  return { violations, unproven };
}

async function main(): Promise<number> {
  const root = path.join(__dirname, '..');
  const args = process.argv.slice(2);
  const prove = args.includes('--prove');
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--prove');
  if (unknown.length > 0) {
    console.error(`unknown option ${unknown.join(', ')}; expected [--prove] [directory]`);
    return 2;
  }
  const dir = path.resolve(root, args.find((a) => !a.startsWith('--')) ?? path.join('..', 'shared', 'corpus', 'vendors'));
  if (!fs.existsSync(dir)) {
    console.log(`No corpus at ${dir}: nothing to scan.`);
    return 0;
  }
  // Every file is named explicitly, so a file that is not a template is an error rather than silently skipped.
  const files = fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(dir, e.name))
    .sort();
  const prover = prove ? loadProver() : undefined;
  const report = scan(files, { cwd: root, check: {}, withLines: false, ...(prover !== undefined ? { prove: {} } : {}) });
  console.log(corpusTable(files, report));
  console.log();
  const parsed = files.filter((f) => !report.errors.some((e) => e.file === f && e.kind === 'input')).length;
  console.log(`${files.length} files, ${parsed} parsed, ${report.summary.resources} resources, ${report.summary.findings} findings, `
    + `${report.errors.length} errors, ${report.notices.length} notices.`);
  for (const e of report.errors) {
    console.log(`error: ${path.basename(e.file)}: ${e.resource !== undefined ? `${e.resource}: ` : ''}${e.message}`);
  }
  // What the check could not see of the deployed templates (macros, nested templates elsewhere): not failures, but worth a look.
  for (const n of report.notices) {
    console.log(`notice: ${path.basename(n.file)}: ${n.resource !== undefined ? `${n.resource}: ` : ''}${n.message}`);
  }
  if (prover === undefined) return report.errors.length > 0 ? 1 : 0;
  const proofs = await proveSubjects(report.subjects ?? [], prover);
  console.log();
  console.log(proofTable(proofs));
  console.log();
  const { violations, unproven } = proofAcceptance(report, proofs);
  const byKind = (kind: ReportProof['kind']) => proofs.filter((p) => p.kind === kind);
  console.log(`${proofs.length} proofs: ${verdictCounts(proofs)}; trust ${byKind('trust').length} (${verdictCounts(byKind('trust'))}), `
    + `deputy ${byKind('deputy').length} (${verdictCounts(byKind('deputy'))}); ${violations.length} acceptance violations, `
    + `${unproven.length} inputs without an ExternalId condition whose attack 1 is undecided.`);
  for (const u of unproven) console.log(`unproven: ${u}`);
  for (const v of violations) console.log(`violation: ${v}`);
  return report.errors.length > 0 || violations.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then((code) => {
    process.exitCode = code;
  }, (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  });
}
