/**
 * The values of `check`'s options, read the same way from the command line and from the config file: one parser
 * per option, whose bounds come from the engine's `validateOptions` where the engine has them.
 */
import { InvalidArgumentError } from 'commander';
import { validateOptions } from '../engine';
import { PACK_NAME } from '../private/acknowledgement-ids';
import { STS_MAX_LENGTH } from '../private/sts';
import { vendorRoleArnProblem } from '../prover/subjects';
import { ALL_RULES } from '../rules';

export const FORMATS = ['text', 'json', 'sarif', 'junit'] as const;
export const FAIL_ON = ['error', 'warning', 'never'] as const;

export function accountId(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError('expected a 12-digit AWS account id.');
  return value;
}

/** The vendor role of proofs (`--vendor-role-arn`). */
export function vendorRoleArn(value: string): string {
  const problem = vendorRoleArnProblem(value);
  if (problem !== undefined) throw new InvalidArgumentError(`${problem}.`);
  return value;
}

export function accountList(value: string, previous: string[] | undefined): string[] {
  const ids = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = ids.filter((id) => !/^\d{12}$/.test(id));
  if (ids.length === 0 || bad.length > 0) {
    throw new InvalidArgumentError(`expected a comma-separated list of 12-digit AWS account ids${bad.length > 0 ? `; not an account id: ${bad.join(', ')}` : ''}.`);
  }
  return [...(previous ?? []), ...ids];
}

type EngineInteger = 'minExternalIdLength' | 'minExternalIdEntropyBits' | 'maxSessionDurationSeconds';

/**
 * An integer option, checked by the engine's own validation so that the CLI, the config file, the engine and the
 * rule pack agree on the bounds; `max` is an upper bound the engine does not check.
 */
function integer(engineOption: EngineInteger, max?: { value: number; why: string }) {
  return (value: string): number => {
    if (!/^[-+]?\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number.');
    const n = Number(value);
    const problem = validateOptions({ [engineOption]: n })[0];
    if (problem) throw new InvalidArgumentError(`${problem.replace(/^\w+ must be/, 'expected')}.`);
    if (max && n > max.value) throw new InvalidArgumentError(`expected at most ${max.value} (${max.why}), received ${n}.`);
    return n;
  };
}

export const minExternalIdLength = integer('minExternalIdLength', { value: STS_MAX_LENGTH, why: 'the longest ExternalId STS accepts' });
export const minEntropyBits = integer('minExternalIdEntropyBits');
export const maxSessionDuration = integer('maxSessionDurationSeconds');

const RULE_IDS = ALL_RULES.map((r) => r.id);
const PREFIX = `${PACK_NAME}-`.toLowerCase();

export const RULE_ID_HELP = `rule ids (${RULE_IDS[0]}-${RULE_IDS[RULE_IDS.length - 1]}), case-insensitive, the ${PACK_NAME}- prefix optional`;

/** Rule ids, comma-separated: `XAT3`, `xat3` and `CrossAccountTrust-XAT3` name the same rule. */
export function ruleList(value: string, previous: string[] | undefined): string[] {
  const given = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (given.length === 0) throw new InvalidArgumentError(`expected a comma-separated list of ${RULE_ID_HELP}.`);
  const ids = given.map((g) => {
    const bare = g.toLowerCase().startsWith(PREFIX) ? g.slice(PREFIX.length) : g;
    const id = RULE_IDS.find((known) => known.toLowerCase() === bare.toLowerCase());
    if (id === undefined) throw new InvalidArgumentError(`unknown rule id ${JSON.stringify(g)}; expected ${RULE_ID_HELP}: ${RULE_IDS.join(', ')}.`);
    return id;
  });
  return [...new Set([...(previous ?? []), ...ids])];
}

/** The rules a run selects, in the rules' order; undefined when it selects every rule. */
export function selectedRules(rule: readonly string[] | undefined, skipRule: readonly string[] | undefined): string[] | undefined {
  if (rule === undefined && skipRule === undefined) return undefined;
  return RULE_IDS.filter((id) => (rule === undefined || rule.includes(id)) && !(skipRule ?? []).includes(id));
}

/** A glob of paths to leave out; commas are part of globs (`{a,b}`), so each value is one glob. */
export function globList(value: string, previous: string[] | undefined): string[] {
  if (value.trim() === '') throw new InvalidArgumentError('expected a glob such as vendor/** or **/*.test.yaml.');
  if (/^([a-z]:)?[\\/]/i.test(value)) throw new InvalidArgumentError('expected a relative glob (globs are matched against paths relative to the folder they are given in).');
  return [...(previous ?? []), value];
}
