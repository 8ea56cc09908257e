import { describe, expect, it } from 'vitest';
import { reasons } from '../domain/errors.js';
import { localiseTaskErrorMessage, messageLanguageOf, taskLanguages } from './task-error-language.js';

const detail = "image_urls[0]: fetch failed (HTTP 404 from 'https://example.com/a.png')";

describe('localised task error messages', () => {
  it('writes every catalogued reason in Chinese, followed by the original detail', () => {
    for (const reason of reasons) {
      const zh = localiseTaskErrorMessage(reason, detail, 'zh');
      expect(zh.endsWith(`。详情：${detail}`), reason).toBe(true);
      const sentence = zh.slice(0, -`详情：${detail}`.length);
      expect(sentence.match(/[\u4e00-\u9fff]/g)?.length ?? 0, reason).toBeGreaterThanOrEqual(4);
    }
  });

  it('keeps the English message for en, and for ko and ja (which fall back to English)', () => {
    for (const language of ['en', 'ko', 'ja'] as const) {
      expect(localiseTaskErrorMessage('fetch_failed', detail, language)).toBe(detail);
      expect(messageLanguageOf(language)).toBe('en');
    }
    expect(messageLanguageOf('zh')).toBe('zh');
    expect(taskLanguages).toEqual(['zh', 'en', 'ko', 'ja']);
  });

  it('keeps the message of a reason it does not know (a row from an older version), whatever its name', () => {
    for (const reason of ['retired_reason', '__proto__', 'constructor', 'toString']) {
      expect(localiseTaskErrorMessage(reason, detail, 'zh')).toBe(detail);
    }
  });
});
