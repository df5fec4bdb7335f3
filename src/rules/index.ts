import { XAT1 } from './xat1';
import { XAT10 } from './xat10';
import { XAT2 } from './xat2';
import { XAT3 } from './xat3';
import { XAT4 } from './xat4';
import { XAT5 } from './xat5';
import { XAT6 } from './xat6';
import { XAT7 } from './xat7';
import { XAT8 } from './xat8';
import { XAT9 } from './xat9';
import { Rule } from '../engine/rule';

export { XAT1, XAT2, XAT3, XAT4, XAT5, XAT6, XAT7, XAT8, XAT9, XAT10 };

/** Every rule, in id order: their metadata is the one source of RULES.md, SARIF descriptors and the nag pack. */
export const ALL_RULES: readonly Rule[] = [XAT1, XAT2, XAT3, XAT4, XAT5, XAT6, XAT7, XAT8, XAT9, XAT10];

/**
 * The anchor of a rule's section in RULES.md: its id in lower case, written there as an explicit `<a id>` so that
 * links to it (SARIF `helpUri`) do not depend on the heading's text.
 */
export function ruleAnchor(rule: { readonly id: string }): string {
  return rule.id.toLowerCase();
}
