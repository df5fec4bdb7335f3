import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { blockAfter } from './readme-blocks';

/** The example GitHub Actions workflow the README shows, and its steps. */
export const WORKFLOW_FILE = path.join(__dirname, '..', 'examples', 'github-actions', 'cross-account-trust.yml');
export const WORKFLOW_TEXT = fs.readFileSync(WORKFLOW_FILE, 'utf8');
export const README_WORKFLOW = blockAfter('#### In GitHub Actions', 'yaml');

export interface Step {
  readonly if?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
}

export const STEPS: Step[] = parse(WORKFLOW_TEXT).jobs.check.steps;

/** The step whose `run` starts with `prefix`, split into words (the commands have no quoting). */
export function runStep(prefix: string): { step: Step; words: string[] } {
  const step = STEPS.find((s) => s.run?.startsWith(prefix));
  if (!step) throw new Error(`the workflow has no step that runs ${prefix}`);
  return { step, words: step.run!.trim().split(/\s+/) };
}

/** The step that runs the CLI's check. */
export function checkStep(): { step: Step; words: string[] } {
  const step = STEPS.find((s) => / check /.test(s.run ?? ''));
  if (!step) throw new Error('the workflow has no step that runs the check');
  return { step, words: step.run!.trim().split(/\s+/) };
}
