import { describe, expect, it } from 'vitest';
import { declaredTypeMatches, formatsText, generationFormats, sniffMedia } from './media-sniff.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('sniffMedia', () => {
  it('recognises each accepted format by its magic bytes', () => {
    const bmp = Buffer.alloc(32);
    bmp.write('BM');
    bmp.writeUInt32LE(40, 14);
    const cases: [Buffer, string | null][] = [
      [bytes([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
      [bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'],
      [bmp, 'image/bmp'],
      [bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
      [bytes('GIF89a', [1, 0, 1, 0]), 'image/gif'],
      [bytes('GIF87a', [1, 0, 1, 0]), 'image/gif'],
      [bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '), 'audio/wav'],
      [bytes([0, 0, 0, 0x20], 'ftypisom', [0, 0, 2, 0]), 'video/mp4'],
      [bytes([0, 0, 0, 0x14], 'ftypqt  ', [0, 0, 2, 0]), 'video/quicktime'],
      [bytes('ID3', [4, 0, 0]), 'audio/mpeg'],
      [bytes([0xff, 0xfb, 0x90, 0x64]), 'audio/mpeg'],
    ];
    for (const [head, type] of cases) expect(sniffMedia(head)?.contentType, type ?? '').toBe(type);
  });

  it('refuses look-alikes: text, AAC (ADTS), M4A and HEIC in an ISO box, a bare BM', () => {
    for (const head of [
      bytes('this is not an image\n'),
      bytes([0xff, 0xf1, 0x50, 0x80]),
      bytes([0, 0, 0, 0x20], 'ftypM4A ', [0, 0, 0, 0]),
      bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0]),
      bytes('BM hello world, not a bitmap'),
      bytes('GIF90a not a gif'),
      bytes([]),
    ]) {
      expect(sniffMedia(head)).toBeNull();
    }
  });
});

describe('declaredTypeMatches', () => {
  const png = sniffMedia(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))!;
  it('accepts the format, its aliases and unspecified types; refuses other formats', () => {
    expect(declaredTypeMatches('image/png', png)).toBe(true);
    expect(declaredTypeMatches('IMAGE/PNG; charset=binary', png)).toBe(true);
    expect(declaredTypeMatches(undefined, png)).toBe(true);
    expect(declaredTypeMatches('application/octet-stream', png)).toBe(true);
    expect(declaredTypeMatches('image/jpeg', png)).toBe(false);
    expect(declaredTypeMatches('text/plain', png)).toBe(false);
  });
});

describe('formatsText', () => {
  it('names the formats of each kind as messages show them', () => {
    expect(formatsText(generationFormats.image)).toBe('JPEG, PNG, BMP or WEBP');
    expect(formatsText(generationFormats.video)).toBe('MP4 or MOV');
    expect(formatsText(generationFormats.audio)).toBe('WAV or MP3');
  });
});
