import { Me, UsageResource } from './account.js';
import { Files } from './files.js';
import { HttpClient, type ClientOptions } from './http-client.js';
import { Keys } from './keys.js';
import { Tasks } from './tasks.js';
import { Videos } from './videos.js';

/**
 * The client of a Wan2.7 unified-entry gateway (wangate, or any gateway that speaks the same API).
 *
 *   const client = new Wangate({ apiKey, baseURL });   // or WANGATE_API_KEY / WANGATE_BASE_URL
 *   const task = await client.videos.generateAndWait({ model: 'wan2.7', prompt: 'A cat' });
 *   await client.tasks.saveContent(task.id, 'cat.mp4');
 */
export class Wangate {
  readonly videos: Videos;
  readonly tasks: Tasks;
  readonly files: Files;
  /** The calling key. */
  readonly me: Me;
  /** The calling key's ledger. */
  readonly usage: UsageResource;
  /** API keys (admin keys only). */
  readonly keys: Keys;
  readonly baseURL: string;

  constructor(options: ClientOptions = {}) {
    const http = new HttpClient(options);
    this.baseURL = http.baseURL;
    this.tasks = new Tasks(http);
    this.files = new Files(http);
    this.videos = new Videos(http, this.files, this.tasks);
    this.me = new Me(http);
    this.usage = new UsageResource(http);
    this.keys = new Keys(http);
  }
}
