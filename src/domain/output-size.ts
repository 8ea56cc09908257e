export type Resolution = '720P' | '1080P';
export type AspectRatio = '16:9' | '9:16' | '1:1' | '4:3' | '3:4';

export const aspectRatios: readonly AspectRatio[] = ['16:9', '9:16', '1:1', '4:3', '3:4'];
export const resolutions: readonly Resolution[] = ['720P', '1080P'];

const sizeTable: Record<Resolution, Record<AspectRatio, readonly [number, number]>> = {
  '720P': { '16:9': [1280, 720], '9:16': [720, 1280], '1:1': [960, 960], '4:3': [1104, 832], '3:4': [832, 1104] },
  '1080P': { '16:9': [1920, 1080], '9:16': [1080, 1920], '1:1': [1440, 1440], '4:3': [1648, 1248], '3:4': [1248, 1648] },
};

export interface FrameSize {
  width: number;
  height: number;
}

/** Text-to-video output size, straight from the spec's table. */
export function sizeForRatio(resolution: Resolution, ratio: AspectRatio): FrameSize {
  const [width, height] = sizeTable[resolution][ratio];
  return { width, height };
}

/**
 * Image-to-video keeps the input's aspect at about the tier's pixel count, with even sides (r2v with a
 * first frame: sides multiples of 16).
 */
export function sizeForInput(resolution: Resolution, input: FrameSize, multiple = 2): FrameSize {
  const pixels = resolution === '720P' ? 1280 * 720 : 1920 * 1080;
  const aspect = input.width / input.height;
  const height = Math.sqrt(pixels / aspect);
  const round = (n: number) => Math.max(multiple, Math.round(n / multiple) * multiple);
  return { width: round(height * aspect), height: round(height) };
}
