/**
 * CloudFormation's YAML short forms (`!Ref x`, `!GetAtt a.b`, `!If [...]`) as custom tags of the `yaml`
 * package, each turned into the long form the engine reads (`{ "Ref": "x" }`, `{ "Fn::GetAtt": ["a", "b"] }`).
 */
import { CollectionTag, Pair, Scalar, ScalarTag, YAMLMap, YAMLSeq } from 'yaml';

/** Short form name (without `!`) to the key of its long form. */
export const SHORT_FORMS: Readonly<Record<string, string>> = {
  Ref: 'Ref',
  Condition: 'Condition',
  Sub: 'Fn::Sub',
  GetAtt: 'Fn::GetAtt',
  If: 'Fn::If',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  FindInMap: 'Fn::FindInMap',
  Base64: 'Fn::Base64',
  Equals: 'Fn::Equals',
  Not: 'Fn::Not',
  And: 'Fn::And',
  Or: 'Fn::Or',
  ImportValue: 'Fn::ImportValue',
  Cidr: 'Fn::Cidr',
  GetAZs: 'Fn::GetAZs',
  Transform: 'Fn::Transform',
  // The functions of a template's Rules section.
  Contains: 'Fn::Contains',
  EachMemberEquals: 'Fn::EachMemberEquals',
  EachMemberIn: 'Fn::EachMemberIn',
  RefAll: 'Fn::RefAll',
  ValueOf: 'Fn::ValueOf',
  ValueOfAll: 'Fn::ValueOfAll',
};

/** `!GetAtt Resource.Attribute`: attribute names may contain dots themselves (`Endpoint.Address`). */
function getAttArgument(text: string): string[] {
  const dot = text.indexOf('.');
  return dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
}

/**
 * Wraps a tagged collection in a one-key mapping; the new nodes take the collection's range so that
 * line numbers of paths through the long form still point at the short form in the file.
 */
function wrap(longForm: string, collection: YAMLMap | YAMLSeq): YAMLMap {
  const key = new Scalar(longForm);
  key.range = collection.range;
  const map = new YAMLMap();
  map.items.push(new Pair(key, collection));
  return map;
}

function tagsFor(shortForm: string, longForm: string): Array<ScalarTag | CollectionTag> {
  const tag = `!${shortForm}`;
  return [
    { tag, resolve: (text: string) => ({ [longForm]: shortForm === 'GetAtt' ? getAttArgument(text) : text }) },
    { tag, collection: 'seq', resolve: (seq) => wrap(longForm, seq) },
    { tag, collection: 'map', resolve: (map) => wrap(longForm, map) },
  ];
}

export const CLOUDFORMATION_TAGS: ReadonlyArray<ScalarTag | CollectionTag> = Object.entries(SHORT_FORMS).flatMap(([s, l]) => tagsFor(s, l));
