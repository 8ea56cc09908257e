import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** ffmpeg and ffprobe binaries shipped inside npm packages: no system ffmpeg needed. */
export const ffmpegPath: string = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
export const ffprobePath: string = (require('@ffprobe-installer/ffprobe') as { path: string }).path;
