// Type guards shared by the engine, the template parser and the CLI, which all walk untrusted JSON.
import { YamlOctal } from './yaml-octal';

/** A JSON object (not null, not a list, not a number read from YAML as octal). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof YamlOctal);
}

/** What kind of JSON value `v` is, for messages that say what was received. */
export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof YamlOctal) return 'a number';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
