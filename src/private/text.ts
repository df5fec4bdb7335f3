/**
 * Lists in messages, shared by the rules and the engine's errors.
 */

/**
 * How many items a message names before it counts the rest, and how long a named item may be: a message stays short
 * whatever the template holds (5,000 roles sharing one ExternalId, a principal of a million characters).
 */
export const MAX_NAMED_ITEMS = 5;
export const MAX_ITEM_LENGTH = 300;

/** `text`, cut after MAX_ITEM_LENGTH characters with the count of the rest. */
export function clipText(text: string): string {
  return text.length <= MAX_ITEM_LENGTH ? text : `${text.slice(0, MAX_ITEM_LENGTH)}... (${text.length - MAX_ITEM_LENGTH} more characters)`;
}

/** `a, b, c, d, e and 4995 more`: the first MAX_NAMED_ITEMS items, each clipped, and the count of the others. */
export function listText(items: readonly string[], separator = ', '): string {
  const named = items.slice(0, MAX_NAMED_ITEMS).map(clipText).join(separator);
  return items.length > MAX_NAMED_ITEMS ? `${named} and ${items.length - MAX_NAMED_ITEMS} more` : named;
}
