/** Avatar colours, each dark enough for white initials. */
const PALETTE = [
  '#5b5bd6',
  '#d13d5b',
  '#12a594',
  '#c2418f',
  '#d9622b',
  '#3e63dd',
  '#8e4ec6',
  '#2f9a5f',
  '#0b84d8',
  '#a06c45',
];

/** The avatar colour for a name: the same person always gets the same one. */
export function colour(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return PALETTE[hash % PALETTE.length] as string;
}

/** One or two letters for an avatar. */
export function initials(name: string): string {
  const words = name.split(/[\s._-]+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[1]] : [name];
  return letters.map((w) => [...(w ?? '')][0] ?? '').join('');
}

/** A time of day, in the reader's locale. */
export function clock(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** "Ada is typing", "Ada and Bob are typing", "Ada, Bob and 2 others are typing". */
export function typingSentence(names: readonly string[]): string {
  const [first, second] = names;
  if (first === undefined) return '';
  if (second === undefined) return `${first} is typing`;
  if (names.length === 2) return `${first} and ${second} are typing`;
  if (names.length === 3) return `${first}, ${second} and ${names[2]} are typing`;
  return `${first}, ${second} and ${names.length - 2} others are typing`;
}

/** "1 member", "3 members". */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
