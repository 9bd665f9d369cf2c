import { describe, expect, it } from 'vitest';
import { ChatErrorCode, type Checked } from './errors.js';
import { Limits } from './limits.js';
import { checkMessageId, checkMessageText, checkName, checkRoomName, nameKey } from './validation.js';

const code = (checked: Checked<unknown>) => (checked.ok ? undefined : checked.error.code);
const value = <T>(checked: Checked<T>) => (checked.ok ? checked.value : undefined);

describe('names', () => {
  it('accepts ordinary names in any script, trimmed', () => {
    expect(value(checkName('  Ada Lovelace '))).toBe('Ada Lovelace');
    expect(value(checkName('émile_23'))).toBe('émile_23');
    expect(value(checkName('李雷'))).toBe('李雷');
    expect(value(checkName('x'))).toBe('x');
  });

  it('refuses blank, non-string, too long and punctuated names with InvalidName', () => {
    for (const bad of ['', '   ', 42, null, 'a'.repeat(Limits.nameLength + 1), '<script>', 'bob!', '-dash', 'dot.']) {
      expect(code(checkName(bad)), String(bad)).toBe(ChatErrorCode.InvalidName);
    }
  });

  it('collides names that differ only in case or compatibility form', () => {
    expect(nameKey('Ada')).toBe(nameKey('ada'));
    expect(nameKey('ＡＤＡ')).toBe(nameKey('ada'));
  });
});

describe('room names', () => {
  it('accepts lowercase slugs', () => {
    expect(value(checkRoomName('general'))).toBe('general');
    expect(value(checkRoomName('design-review-2'))).toBe('design-review-2');
  });

  it('refuses anything else with InvalidRoomName and a message saying what is allowed', () => {
    for (const bad of [
      '',
      'General',
      'two words',
      '-edge',
      'edge-',
      'a'.repeat(Limits.roomNameLength + 1),
      7,
      undefined,
    ]) {
      expect(code(checkRoomName(bad)), String(bad)).toBe(ChatErrorCode.InvalidRoomName);
    }
    const refused = checkRoomName('Bad Room!');
    expect(refused.ok ? '' : refused.error.message).toMatch(/lowercase letters, digits and dashes/);
  });
});

describe('message text', () => {
  it('keeps the text as typed, without trailing whitespace', () => {
    expect(value(checkMessageText('  indented\nsecond line \n'))).toBe('  indented\nsecond line');
  });

  it('refuses empty and blank messages with EmptyMessage', () => {
    for (const bad of ['', ' ', '\n\t ', undefined, 5]) {
      expect(code(checkMessageText(bad)), String(bad)).toBe(ChatErrorCode.EmptyMessage);
    }
  });

  it('counts characters, not UTF-16 units, against the limit', () => {
    expect(value(checkMessageText('😀'.repeat(Limits.messageLength)))).toBeDefined();
    const over = checkMessageText('a'.repeat(Limits.messageLength + 1));
    expect(code(over)).toBe(ChatErrorCode.MessageTooLong);
    expect(over.ok ? undefined : over.error.data).toEqual({
      length: Limits.messageLength + 1,
      limit: Limits.messageLength,
    });
    expect(over.ok ? '' : over.error.message).toBe('Message is too long: 2001 characters, the limit is 2000.');
  });
});

describe('message ids', () => {
  it('accepts url-safe ids and refuses the rest', () => {
    expect(value(checkMessageId('m_1a2B-3'))).toBe('m_1a2B-3');
    for (const bad of ['', 'has space', 'x'.repeat(Limits.messageIdLength + 1), 12, 'a/b']) {
      expect(code(checkMessageId(bad)), String(bad)).toBe(ChatErrorCode.InvalidMessageId);
    }
  });
});
