/**
 * Text for ffmpeg's drawtext, built without I/O: prompt wrapping, filter-value escaping and the
 * drawtext option strings. The prompt itself never enters the filter graph (it goes through a
 * textfile), so only paths and fixed strings need escaping here.
 */

/**
 * Escapes a value for an option inside a -filter_complex graph. Two levels, as ffmpeg parses twice:
 * the option parser (\ ' :) and then the graph parser (\ ' [ ] , ;).
 */
export function escapeFilterValue(value: string): string {
  const optionLevel = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return optionLevel.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

/** Control characters (newlines, tabs, ...) would break lines unpredictably: fold them into spaces. */
export function normalisePrompt(prompt: string | undefined): string {
  return (prompt ?? '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Greedy word wrap by code points (never splits a surrogate pair). Words longer than a line are cut.
 * When the text does not fit in maxLines, the last line ends with an ellipsis.
 */
export function wrapPrompt(prompt: string, charsPerLine: number, maxLines: number): string[] {
  const text = normalisePrompt(prompt);
  if (!text || charsPerLine < 2 || maxLines < 1) return [];
  const lines: string[] = [];
  let line: string[] = [];
  const pushLine = () => {
    lines.push(line.join(''));
    line = [];
  };
  for (const word of text.split(' ')) {
    let chars = Array.from(word);
    if (line.length > 0 && line.length + 1 + chars.length > charsPerLine) pushLine();
    if (line.length > 0) line.push(' ');
    while (line.length + chars.length > charsPerLine) {
      const room = charsPerLine - line.length;
      line.push(...chars.slice(0, room));
      chars = chars.slice(room);
      pushLine();
    }
    line.push(...chars);
  }
  if (line.length > 0) pushLine();
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = Array.from(kept[maxLines - 1]!.trimEnd());
  kept[maxLines - 1] = `${last.slice(0, Math.max(0, charsPerLine - 1)).join('').trimEnd()}\u2026`;
  return kept;
}

export interface TextBlock {
  /** Lines joined with newlines: the contents of the drawtext textfile. */
  contents: string;
  fontSizePx: number;
}

/**
 * DejaVu Sans averages about 0.55 em per character in mixed text; 0.6 leaves room for capitals.
 * Wide scripts (CJK) render wider than this estimate and the font lacks their glyphs anyway.
 */
const emPerChar = 0.6;

export function promptBlock(prompt: string | undefined, maxWidthPx: number, fontSizePx: number, maxLines: number): TextBlock | null {
  const charsPerLine = Math.floor(maxWidthPx / (fontSizePx * emPerChar));
  const lines = wrapPrompt(prompt ?? '', charsPerLine, maxLines);
  return lines.length > 0 ? { contents: lines.join('\n'), fontSizePx } : null;
}

export interface DrawTextOptions {
  fontPath: string;
  textFilePath: string;
  fontSizePx: number;
  /** drawtext x/y expressions (w, h, tw, th available). */
  x: string;
  y: string;
  /** Frames (inclusive) the text is on, faded in after `from` > 0 and out before `to`; omitted = every frame. */
  frames?: { from: number; to: number; fadeIn: boolean; fadeOut: boolean };
  boxed: boolean;
}

/** Frames over which the prompt fades, so it never pops on or off next to a frame that must match an input. */
const textFadeFrames = 12;

function fadeAlpha(f: NonNullable<DrawTextOptions['frames']>): string {
  const parts = [
    ...(f.fadeIn ? [`min(1,(n-${f.from}+1)/${textFadeFrames})`] : []),
    ...(f.fadeOut ? [`min(1,max(0,(${f.to}-n)/${textFadeFrames}))`] : []),
  ];
  return parts.join('*');
}

/** drawtext reading its text from a file, with expansion off so '%' in a prompt stays literal. */
export function drawPromptFilter(o: DrawTextOptions): string {
  const parts = [
    `fontfile=${escapeFilterValue(o.fontPath)}`,
    `textfile=${escapeFilterValue(o.textFilePath)}`,
    'expansion=none',
    `fontsize=${o.fontSizePx}`,
    'fontcolor=white',
    `line_spacing=${Math.round(o.fontSizePx * 0.25)}`,
    ...(o.boxed
      ? ['box=1', 'boxcolor=black@0.35', `boxborderw=${Math.round(o.fontSizePx * 0.4)}`]
      : ['shadowcolor=black@0.7', 'shadowx=2', 'shadowy=2']),
    `x='${o.x}'`,
    `y='${o.y}'`,
    ...(o.frames ? [`enable='between(n,${o.frames.from},${o.frames.to})'`] : []),
    ...(o.frames && (o.frames.fadeIn || o.frames.fadeOut) ? [`alpha='${fadeAlpha(o.frames)}'`] : []),
  ];
  return `drawtext=${parts.join(':')}`;
}

/** The spec's "AI Generated" mark: lower-right, semi-transparent white with a shadow, every frame. */
export function watermarkFilter(fontPath: string, frameHeightPx: number): string {
  const fontSizePx = Math.max(16, Math.round(frameHeightPx / 30));
  const marginPx = Math.round(frameHeightPx / 36);
  const shadowPx = Math.max(1, Math.round(fontSizePx / 14));
  return [
    `drawtext=fontfile=${escapeFilterValue(fontPath)}`,
    `text=${escapeFilterValue('AI Generated')}`,
    'expansion=none',
    `fontsize=${fontSizePx}`,
    'fontcolor=white@0.75',
    'shadowcolor=black@0.6',
    `shadowx=${shadowPx}`,
    `shadowy=${shadowPx}`,
    `x=w-tw-${marginPx}`,
    `y=h-th-${marginPx}`,
  ].join(':');
}

/** A short fixed label ("Image 1", "Video 2") in the lower-left corner of a tile, on a dark box. */
export function labelFilter(fontPath: string, text: string, fontSizePx: number, marginPx: number): string {
  return [
    `drawtext=fontfile=${escapeFilterValue(fontPath)}`,
    `text=${escapeFilterValue(text)}`,
    'expansion=none',
    `fontsize=${fontSizePx}`,
    'fontcolor=white',
    'box=1',
    'boxcolor=black@0.6',
    `boxborderw=${Math.max(2, Math.round(fontSizePx * 0.25))}`,
    `x=${marginPx}`,
    `y=h-th-${marginPx}`,
  ].join(':');
}
