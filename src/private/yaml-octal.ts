/**
 * An unquoted YAML integer with a leading zero and only the digits 0-7 (`012345670123`), which YAML 1.1, and so
 * CloudFormation, reads as an octal number (1402433619). The parser keeps the text it was written as, so that a
 * message can say the value was read as octal instead of showing a number nobody wrote. It is the one value in a
 * parsed template that is not plain JSON data; the engine reads it as its `value`.
 */
export class YamlOctal {
  constructor(public readonly value: number, public readonly text: string) {}
}
