/**
 * Example create bodies, one or more per model, shown in the OpenAPI document (and so in /docs and the
 * generated client). test/integration/openapi.test.ts checks that each one is accepted as it stands.
 */
export const createExamples: Record<string, { summary: string; value: Record<string, unknown> }> = {
  text_to_video: {
    summary: 'wan2.7: text-to-video',
    value: { model: 'wan2.7', prompt: 'A cat chasing butterflies on the grass', resolution: '720P', duration: 5, size: '16:9' },
  },
  first_frame: {
    summary: 'wan2.7: image-to-video from a first frame, with driving audio',
    value: { model: 'wan2.7', prompt: 'She turns and smiles', image_urls: ['https://example.com/girl.png'], audio_url: 'https://example.com/voice.mp3', duration: 5 },
  },
  reference_to_video: {
    summary: 'wan2.7-r2v: a reference image with its voice and a reference video',
    value: {
      model: 'wan2.7-r2v',
      prompt: 'Image 1 hands Video 1 a guitar and says: play something for me',
      image_with_roles: [{ url: 'https://example.com/girl.png', reference_voice: 'https://example.com/girl.mp3' }],
      video_urls: ['https://example.com/boy.mp4'],
      resolution: '720P',
      duration: 8,
    },
  },
  reference_to_video_first_frame: {
    summary: 'wan2.7-r2v: two reference images, starting on a first frame',
    value: {
      model: 'wan2.7-r2v',
      prompt: 'Image 1 and Image 2 dance in the kitchen',
      image_with_roles: [
        { url: 'https://example.com/kitchen.png', role: 'first_frame' },
        { url: 'https://example.com/dancer-a.png' },
        { url: 'https://example.com/dancer-b.png' },
      ],
      duration: 5,
    },
  },
  video_edit: {
    summary: 'wan2.7-videoedit: replace a jacket, keeping the source audio',
    value: {
      model: 'wan2.7-videoedit',
      video_urls: ['https://example.com/dance.mp4'],
      image_urls: ['https://example.com/jacket.png'],
      prompt: 'Replace her jacket with the one in the image',
      audio_setting: 'origin',
    },
  },
  video_edit_restyle: {
    summary: 'wan2.7-videoedit: restyle the first 4 seconds as 9:16',
    value: { model: 'wan2.7-videoedit', video_urls: ['https://example.com/street.mp4'], prompt: 'Make it a watercolour painting', duration: 4, size: '9:16', resolution: '720P' },
  },
};
