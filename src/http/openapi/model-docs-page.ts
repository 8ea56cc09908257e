import { createHash } from 'node:crypto';
import { Marked } from 'marked';

/**
 * The page at a model's doc_url: its Markdown reference rendered to HTML, with no script and no
 * other host. Raw HTML in the Markdown is shown as text, never interpreted.
 */

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const markdown = new Marked({ gfm: true, renderer: { html: ({ text }) => escapeHtml(text) } });

const style = `
  body { font: 15px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24; margin: 0; background: #f6f7f9; }
  main { max-width: 980px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; min-height: 100vh; box-sizing: border-box; }
  nav { font-size: 13px; color: #57606a; margin-bottom: 8px; }
  nav a { color: #0b63c5; text-decoration: none; margin-right: 14px; }
  h1 { font-size: 28px; margin: 8px 0 12px; }
  h2 { font-size: 20px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #d8dee4; }
  h3 { font-size: 16px; margin: 20px 0 6px; }
  code { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, monospace; background: #eff1f3; padding: 1px 4px; border-radius: 4px; }
  pre { background: #f0f2f4; padding: 12px 14px; border-radius: 6px; overflow-x: auto; }
  pre code { background: none; padding: 0; }
  table { border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; width: 100%; }
  th, td { border: 1px solid #d8dee4; padding: 5px 8px; text-align: left; vertical-align: top; }
  th { background: #f6f8fa; }
  tr:nth-child(even) td { background: #fafbfc; }
`;

const styleHash = createHash('sha256').update(style).digest('base64');

/** The Content-Security-Policy of the page: its own style block only. */
export const modelDocsPagePolicy = `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** The page of a model's reference; `markdownUrl` links to its Markdown. */
export function modelDocsPageHtml(model: string, markdownText: string, markdownUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(model)} · wangate model reference</title>
<style>${style}</style>
</head>
<body>
<main>
<nav><a href="../../docs">API reference</a><a href="${escapeHtml(markdownUrl)}">Markdown</a></nav>
${markdown.parse(markdownText, { async: false })}
</main>
</body>
</html>
`;
}
