// Stylesheets are imported for their side effect: the build (vite) inlines them into index.html.
declare module "*.css";

// Files imported with ?inline: data: URLs in the built page (the bundled traces).
declare module "*?inline" {
  const url: string;
  export default url;
}
