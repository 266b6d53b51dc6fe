/**
 * A partner's enum value as words: "InProgress" → "In progress", "ImpairedCommunication" → "Impaired communication".
 * Values already in words, and acronyms ("EDR"), stay as they are; the raw value is still in the record's JSON.
 */
export function humanize(value: string): string {
  if (/\s/.test(value) || !/[a-z][A-Z]/.test(value)) return value;
  const words = value.split(/(?<=[a-z])(?=[A-Z])/);
  return words
    .map((word, index) => (index === 0 || /^[A-Z0-9]+$/.test(word) ? word : word.toLowerCase()))
    .join(" ");
}
