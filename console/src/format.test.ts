import { describe, expect, it } from 'vitest';
import { amount, csv, csvField, money, shellQuote, toMinor } from './format.js';

describe('console money', () => {
  it('turns API amounts into exact minor units and back, without float drift', () => {
    expect(toMinor(0.1 + 0.2)).toBe(3000);
    expect(money(toMinor(0.1) + toMinor(0.2), 'USD')).toBe('0.30 USD');
    expect(amount(12.3456, 'USD')).toBe('12.3456 USD');
    expect(amount(-1.5)).toBe('-1.50');
    expect(amount(null, 'USD')).toBe('unlimited');
  });
});

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('@sum')).toBe("'@sum");
    expect(csvField('-1.50')).toBe('-1.50');
    expect(csvField(null)).toBe('');
    expect(csv([['a', 1], ['b', null]])).toBe('a,1\r\nb,\r\n');
  });
});

describe('shell quoting', () => {
  it('keeps any text one literal argument', () => {
    expect(shellQuote(`it's $HOME`)).toBe(`'it'\\''s $HOME'`);
  });
});
