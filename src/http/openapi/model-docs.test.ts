import { describe, expect, it } from 'vitest';
import { modelCatalogue } from '../../domain/model-catalogue.js';
import { modelInputSchema, modelRequestSchemas } from '../../domain/model-request-schemas.js';
import { parseCreateRequest } from '../../domain/request.js';
import { presentModel } from '../../present/present-models.js';
import { toRequestJsonSchema } from './build-openapi.js';
import { modelDocsMarkdown, modeExamples } from './model-docs.js';
import { modelDocsPageHtml, modelDocsPagePolicy } from './model-docs-page.js';

const prices = { currency: 'CNY', minorPerMajor: 10_000, perSecondMinor: { '720P': 6000, '1080P': 10_000 } };
const engine = { id: 'local', description: 'Local preview engine.' };

function docsOf(id: string) {
  const model = modelCatalogue.find((m) => m.id === id)!;
  const inputSchema = toRequestJsonSchema(modelInputSchema(modelRequestSchemas().get(id)!));
  const markdown = modelDocsMarkdown({
    model,
    entry: presentModel(model, prices, engine),
    inputSchema,
    baseUrl: 'https://gw.example',
    resultUrlTtlSeconds: 72 * 3600,
    uploadRetentionSeconds: 72 * 3600,
  });
  return { model, inputSchema, markdown };
}

describe('the model reference (Markdown)', () => {
  it('has a row for every field of the request schema, with its rule and meaning', () => {
    for (const m of modelCatalogue) {
      const { inputSchema, markdown } = docsOf(m.id);
      for (const field of Object.keys(inputSchema.properties as object)) expect(markdown, `${m.id}.${field}`).toContain(`| \`${field}\` |`);
      expect(markdown).not.toContain('| `model` |');
    }
    const { markdown } = docsOf('wan2.7');
    expect(markdown).toContain('| `duration` | integer |  |  | 2..15 | Seconds of output');
    expect(markdown).toContain('| `image_with_roles[].role` | `first_frame`, `last_frame` |  | `first_frame` |');
  });

  it("shows the server's prices and the cost of an example, in exact decimals", () => {
    const { markdown } = docsOf('wan2.7');
    expect(markdown).toContain('| 720P | 0.60 CNY |');
    expect(markdown).toContain('| 1080P | 1.00 CNY |');
    expect(markdown).toContain('5 × 0.60 = 3.00 CNY');
  });

  it('has an example for every mode, and each is a valid request of that mode', () => {
    for (const m of modelCatalogue) {
      const { markdown } = docsOf(m.id);
      for (const mode of m.modes) {
        const example = modeExamples[mode.id];
        expect(example, `${m.id} ${mode.id}`).toBeDefined();
        expect(parseCreateRequest({ model: m.id, ...example }, () => 1).mode).toBe(mode.id);
        expect(markdown).toContain(`(\`${mode.id}\`)`);
      }
    }
  });
});

describe('the model reference page', () => {
  it('renders the Markdown without a script, and shows raw HTML as text', () => {
    const html = modelDocsPageHtml('wan2.7', '# wan2.7\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>alert(1)</script>\n', 'https://gw.example/docs/models/wan2.7.md');
    expect(html).toContain('<h1>wan2.7</h1>');
    expect(html).toContain('<table>');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(modelDocsPagePolicy).toMatch(/default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
  });
});
