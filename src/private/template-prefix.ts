/**
 * The key prefix of the registry's template objects, checked alike by the `CustomerAccountRegistry` construct
 * (`templatePrefix`) and the run-time `AccountRegistry` (`templates.prefix`). No imports: the run-time loads it.
 */

/**
 * A prefix segment: S3's safe key characters without `*`, `?` and `$`, which the bucket policy's Resource would read
 * as wildcards or a policy variable.
 */
const PREFIX_SEGMENT = /^[A-Za-z0-9_.!'()-]+$/;
export const MAX_TEMPLATE_PREFIX_LENGTH = 512;

/** What is wrong with `prefix` as a template prefix ("expected ..."), or undefined when it is usable. */
export function templatePrefixProblem(prefix: string): string | undefined {
  if (prefix.length === 0 || prefix.length > MAX_TEMPLATE_PREFIX_LENGTH) {
    return `expected 1 to ${MAX_TEMPLATE_PREFIX_LENGTH} characters`;
  }
  if (prefix.startsWith('/') || prefix.endsWith('/')) {
    return 'expected no leading or trailing "/"';
  }
  if (prefix.split('/').some((s) => !PREFIX_SEGMENT.test(s) || s === '.' || s === '..')) {
    return 'expected "/"-separated segments of letters, digits and _.!\'()- (no empty, "." or ".." segments; no *, ? or $, '
      + 'which the bucket policy would read as wildcards or a policy variable)';
  }
  return undefined;
}
