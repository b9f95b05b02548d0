// Builds the web app into web/dist/ as ONE file, index.html, with the script and the styles inline:
// a module script loaded from another file is refused on file:// (no origin), an inline one is not,
// so the page opens from a double-click as well as from any static host.

import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

/** Moves the entry chunk and the CSS into index.html and drops the separate files. */
function inlineEverything(): Plugin {
  return {
    name: "pagewise-inline",
    enforce: "post",
    generateBundle(_opts, bundle) {
      const html = Object.values(bundle).find((f) => f.fileName === "index.html");
      if (html === undefined || html.type !== "asset") throw new Error("index.html missing from the bundle");
      let text = String(html.source);
      for (const [name, file] of Object.entries(bundle)) {
        if (file.type === "chunk") {
          const tag = new RegExp(`<script type="module" crossorigin src="[^"]*${file.fileName}"></script>`);
          if (!tag.test(text)) throw new Error(`no script tag for ${file.fileName}`);
          text = text.replace(tag, "");
          const code = file.code.replaceAll("</script", "<\\/script");
          text = text.replace("</body>", () => `<script type="module">${code}</script>\n</body>`);
          delete bundle[name];
        } else if (file.fileName.endsWith(".css")) {
          const tag = new RegExp(`<link rel="stylesheet" crossorigin href="[^"]*${file.fileName}">`);
          if (!tag.test(text)) throw new Error(`no link tag for ${file.fileName}`);
          text = text.replace(tag, () => `<style>${String(file.source)}</style>`);
          delete bundle[name];
        }
      }
      html.source = text;
    },
  };
}

export default defineConfig({
  root,
  base: "./",
  logLevel: "warn",
  publicDir: false,
  // The bundled traces and RV32 programs are imported with ?inline: data: URLs inside the one file.
  assetsInclude: ["**/*.pwt", "**/*.elf"],
  plugins: [inlineEverything()],
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    modulePreload: false,
    cssCodeSplit: false,
    assetsInlineLimit: 1_000_000,
    target: "es2022",
    reportCompressedSize: false,
  },
});
