/**
 * What an AWS principal or resource ARN is (role, account root, user, `*`...) and whose account it is in,
 * for symbolic strings as well as literals, plus the `AllowedPattern` checks the rules need.
 */
import { resourceValue } from './resources';
import { TemplateModel } from './template';
import { Part, SymStr, displaySym, literalText } from './values';

export type AccountRef =
  | { readonly kind: 'literal'; readonly id: string }
  /** `AWS::AccountId`, or a role defined in the same template. */
  | { readonly kind: 'own' }
  /** A parameter, an import or anything else decided at deploy time. */
  | { readonly kind: 'symbolic'; readonly display: string };

export type PrincipalKind = 'star' | 'account' | 'root' | 'role' | 'user' | 'session' | 'other' | 'unresolved';

export interface ClassifiedPrincipal {
  readonly kind: PrincipalKind;
  readonly account?: AccountRef;
  /** The principal as written (symbolic parts as `${...}`). */
  readonly display: string;
  /** For `role`: no wildcard, so exactly one role. */
  readonly exactRole: boolean;
  /** For `unresolved`: what could not be resolved. */
  readonly reason?: string;
}

export type Scope = 'own' | 'internal' | 'third';

const PLACEHOLDER = '\u0001';
const ARN = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/s;

function kindOfResource(service: string, resource: string): PrincipalKind {
  if (service === 'iam') {
    if (resource === 'root') return 'root';
    if (resource.startsWith('role/')) return 'role';
    if (resource.startsWith('user/')) return 'user';
  }
  if (service === 'sts' && resource.startsWith('assumed-role/')) return 'session';
  return 'other';
}

function partAccount(p: Part): AccountRef {
  if (p.kind === 'pseudo' && p.name === 'AWS::AccountId' && !p.fragment) return { kind: 'own' };
  return { kind: 'symbolic', display: displaySym({ parts: [p] }) };
}

/** Whether a parameter's AllowedPattern admits only IAM role ARNs (heuristic: it names `:role/` and rejects the other forms). */
export function patternOnlyRoleArns(pattern: string | undefined): boolean {
  if (pattern === undefined || !/role(\\)?\//.test(pattern)) return false;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      return false;
    }
  }
  const others = ['*', '123456789012', 'arn:aws:iam::123456789012:root', 'arn:aws:iam::123456789012:user/name', 'arn:aws:iam::*:role/*'];
  return !others.some((o) => re.test(o));
}

/** Classifies one AWS principal value of a trust policy (or an ARN in an `aws:PrincipalArn` condition). */
export function classifyPrincipal(s: SymStr, tm: TemplateModel): ClassifiedPrincipal {
  const display = displaySym(s);
  const text = literalText(s);
  if (text !== undefined) {
    if (text === '*') return { kind: 'star', display, exactRole: false };
    if (/^\d{12}$/.test(text)) return { kind: 'account', account: { kind: 'literal', id: text }, display, exactRole: false };
    const m = ARN.exec(text);
    if (!m) return { kind: 'other', display, exactRole: false };
    const kind = kindOfResource(m[2], m[5]);
    const account: AccountRef | undefined = /^\d{12}$/.test(m[4]) ? { kind: 'literal', id: m[4] } : undefined;
    return { kind, account: account ?? { kind: 'symbolic', display: m[4] }, display, exactRole: kind === 'role' && !/[*?]/.test(m[5]) };
  }
  const symbolic = s.parts.filter((p) => p.kind !== 'lit');
  if (s.parts.length === 1) {
    const p = s.parts[0];
    if (p.kind === 'param') {
      const param = tm.parameters.get(p.name);
      if (patternOnlyRoleArns(param?.allowedPattern) && !p.fragment) {
        return { kind: 'role', account: { kind: 'symbolic', display }, display, exactRole: true };
      }
      return {
        kind: 'unresolved',
        display,
        exactRole: false,
        reason: `it is parameter ${p.name}, whose AllowedPattern does not confine it to a role ARN (the deployer can pass an account root, an account id or "*")`,
      };
    }
    if (p.kind === 'pseudo' && p.name === 'AWS::AccountId' && !p.fragment) return { kind: 'account', account: { kind: 'own' }, display, exactRole: false };
    if (p.kind === 'resource') {
      if (p.type === 'AWS::IAM::Role' && p.attribute === 'Arn' && !p.fragment) return { kind: 'role', account: { kind: 'own' }, display, exactRole: true };
      return { kind: 'unresolved', display, exactRole: false, reason: `it comes from ${display} (a ${p.type || 'resource'}), which is not known to be a role ARN` };
    }
  }
  const unknown = symbolic.find((p) => p.kind === 'unknown');
  const derived = symbolic.find((p) => p.kind === 'derived');
  const flat = s.parts.map((p) => (p.kind === 'lit' ? p.text : PLACEHOLDER)).join('');
  const m = ARN.exec(flat);
  if (!m || m[2].includes(PLACEHOLDER)) {
    let reason = 'it is built from values that do not form a recognisable ARN';
    if (unknown) reason = `it could not be resolved (${(unknown as { reason: string }).reason})`;
    else if (derived) reason = `it is computed by ${(derived as { fn: string }).fn}, which does not give an ARN`;
    return { kind: 'unresolved', display, exactRole: false, reason };
  }
  const accountStart = `arn:${m[1]}:${m[2]}:${m[3]}:`.length;
  const symIndex = flat.slice(0, accountStart).split(PLACEHOLDER).length - 1;
  let account: AccountRef;
  if (m[4] === PLACEHOLDER) account = partAccount(symbolic[symIndex]);
  else if (/^\d{12}$/.test(m[4])) account = { kind: 'literal', id: m[4] };
  else account = { kind: 'symbolic', display: m[4].split(PLACEHOLDER).join('${...}') };
  const resource = m[5];
  const kind = kindOfResource(m[2], resource);
  const exactRole = kind === 'role' && !/[*?]/.test(resource);
  return { kind, account, display, exactRole };
}

/**
 * Why a value may hold an IAM wildcard (`*`, `?`) once deployed, or `undefined` when it cannot: literal text is
 * read as written; pseudo parameters and the Ref or attributes of AWS resources are names, ids and ARNs that
 * AWS assigns or validates (a custom resource or a nested stack output may return anything); a parameter can be
 * given a wildcard unless its AllowedPattern keeps it to the STS charset, which has neither `*` nor `?`.
 */
/** Functions whose results are made of characters other than `*` and `?` (Base64 text, numbers, CIDR blocks, zone names). */
const WILDCARD_FREE_FUNCTIONS = new Set(['Fn::Base64', 'Fn::Length', 'Fn::Cidr', 'Fn::GetAZs']);

export function wildcardIn(s: SymStr, tm: TemplateModel): string | undefined {
  for (const p of s.parts) {
    switch (p.kind) {
      case 'lit': {
        const w = /[*?]/.exec(p.text);
        if (w) return `it contains the wildcard "${w[0]}"`;
        break;
      }
      case 'param': {
        const info = tm.parameters.get(p.name);
        if (!patternConfinedToStsCharset(info?.allowedPattern).ok) {
          return `parameter ${p.name} may be given a value with wildcards (its AllowedPattern does not exclude "*" and "?")`;
        }
        break;
      }
      case 'pseudo': break;
      case 'resource': {
        const v = resourceValue(p);
        if (v.kind === 'anything') return `${displaySym({ parts: [p] })} ${v.why}`;
        break;
      }
      case 'unknown': return `it could not be resolved (${p.reason})`;
      case 'derived':
        if (!WILDCARD_FREE_FUNCTIONS.has(p.fn)) return `it is computed by ${p.fn}, whose result may hold "*" or "?"`;
        break;
    }
  }
  return undefined;
}

/** Whether a principal is in the own account, an internal account, or a third party's (unknown counts as third). */
export function principalScope(p: ClassifiedPrincipal, tm: TemplateModel, internalAccounts: ReadonlySet<string>): Scope {
  if (p.kind === 'star' || p.kind === 'unresolved' || p.account === undefined) return 'third';
  const a = p.account;
  if (a.kind === 'own') return 'own';
  if (a.kind === 'literal') {
    if (tm.account !== undefined && a.id === tm.account) return 'own';
    if (internalAccounts.has(a.id)) return 'internal';
  }
  return 'third';
}

/** Characters STS accepts in an ExternalId. */
const STS_CHARSET = /^[\w+=,.@:/-]$/;
const CLASS_ESCAPES_OK = new Set(['w', 'd']);

/**
 * Whether a CloudFormation `AllowedPattern` only admits characters STS accepts (`[\w+=,.@:/-]`): every
 * literal, class and range in the pattern must stay inside that set (`.`, negated classes, `\S`, `\s`... do not).
 */
export function patternConfinedToStsCharset(pattern: string | undefined): { ok: boolean; reason?: string } {
  if (pattern === undefined) return { ok: false, reason: 'there is no AllowedPattern' };
  try {
    new RegExp(pattern);
  } catch {
    return { ok: false, reason: `AllowedPattern ${JSON.stringify(pattern)} is not a valid regular expression` };
  }
  const bad = (what: string) => ({ ok: false, reason: `AllowedPattern ${JSON.stringify(pattern)} admits ${what}, outside the STS charset [\\w+=,.@:/-]` });
  const charOk = (c: string) => STS_CHARSET.test(c);
  let i = 0;
  const readEscape = (): { cls?: string; char?: string } => {
    const c = pattern[i + 1] ?? '';
    i += 2;
    if (c === 'x' && /^[0-9a-fA-F]{2}$/.test(pattern.slice(i, i + 2))) {
      const ch = String.fromCharCode(parseInt(pattern.slice(i, i + 2), 16));
      i += 2;
      return { char: ch };
    }
    if (c === 'u' && /^[0-9a-fA-F]{4}$/.test(pattern.slice(i, i + 4))) {
      const ch = String.fromCharCode(parseInt(pattern.slice(i, i + 4), 16));
      i += 4;
      return { char: ch };
    }
    if (/[a-zA-Z]/.test(c)) return { cls: c };
    return { char: c };
  };
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      const e = readEscape();
      if (e.cls !== undefined) {
        if (CLASS_ESCAPES_OK.has(e.cls) || e.cls === 'b' || e.cls === 'B') continue;
        if (/^\d$/.test(e.cls)) continue;
        return bad(`\\${e.cls}`);
      }
      if (/^\d$/.test(e.char!)) continue; // backreference
      if (!charOk(e.char!)) return bad(JSON.stringify(e.char));
      continue;
    }
    if (c === '[') {
      i++;
      if (pattern[i] === '^') return bad('a negated character class');
      let first = true;
      while (i < pattern.length && (pattern[i] !== ']' || first)) {
        first = false;
        let lo: string;
        if (pattern[i] === '\\') {
          const e = readEscape();
          if (e.cls !== undefined) {
            if (CLASS_ESCAPES_OK.has(e.cls)) continue;
            return bad(`\\${e.cls}`);
          }
          lo = e.char!;
        } else {
          lo = pattern[i++];
        }
        if (pattern[i] === '-' && pattern[i + 1] !== undefined && pattern[i + 1] !== ']') {
          i++;
          const hi = pattern[i] === '\\' ? readEscape().char ?? '' : pattern[i++];
          for (let code = lo.charCodeAt(0); code <= hi.charCodeAt(0); code++) {
            if (!charOk(String.fromCharCode(code))) return bad(`the range ${lo}-${hi}`);
          }
          continue;
        }
        if (!charOk(lo)) return bad(JSON.stringify(lo));
      }
      i++;
      continue;
    }
    if (c === '.') return bad('any character (.)');
    if (c === '(') {
      i++;
      if (pattern[i] === '?') {
        i++;
        if (pattern[i] === '<' && pattern[i + 1] !== '=' && pattern[i + 1] !== '!') {
          const end = pattern.indexOf('>', i);
          i = end < 0 ? pattern.length : end + 1;
        } else {
          i += pattern[i] === '<' ? 2 : 1;
        }
      }
      continue;
    }
    if (c === '{') {
      const m = /^\{\d+(,\d*)?\}/.exec(pattern.slice(i));
      if (m) {
        i += m[0].length;
        continue;
      }
      return bad('"{"');
    }
    if (')|^$*+?'.includes(c)) {
      i++;
      continue;
    }
    if (!charOk(c)) return bad(JSON.stringify(c));
    i++;
  }
  return { ok: true };
}
