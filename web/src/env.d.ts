// Stylesheets are imported for their side effect: the build (vite) inlines them into index.html.
declare module "*.css";
