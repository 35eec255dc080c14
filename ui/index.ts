import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The web UI's public face: where its static files are, and the browser builds of
 * the libraries it loads. The app is plain ES modules (no build step); the API server
 * serves these files.
 */
export const UI_APP_DIR = fileURLToPath(new URL('./app/', import.meta.url));

const require = createRequire(import.meta.url);

/** URL path under /ui/vendor/ → file in node_modules. */
export const UI_VENDOR_FILES: Readonly<Record<string, string>> = {
  'uplot.esm.js': require.resolve('uplot/dist/uPlot.esm.js'),
  'uplot.min.css': require.resolve('uplot/dist/uPlot.min.css'),
};
