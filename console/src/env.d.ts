/** esbuild bundles the stylesheet beside app.js (app.css). */
declare module '*.css';
