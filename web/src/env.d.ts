// Stylesheets are imported for their side effect: the build (vite) inlines them into index.html.
declare module "*.css";

// Traces imported with ?gzip1: data: URLs of one gzip member (web/vite.config.ts), inlined.
declare module "*?gzip1" {
  const url: string;
  export default url;
}
