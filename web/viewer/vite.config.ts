import { createLogger, defineConfig } from 'vite';

// The image codecs carry Node branches (require('fs')) they never take in a browser; Vite says so
// once per file. Those lines would bury the build's real messages in Maven's output.
const logger = createLogger();
const warn = logger.warn.bind(logger);
logger.warn = (message, options) => {
  if (!message.includes('externalized for browser compatibility')) {
    warn(message, options);
  }
};

// The bundle goes straight into the application's static resources (served at /viewer/), with
// fixed names so that the Thymeleaf page can link viewer.js and viewer.css without a manifest.
// Maven passes --outDir (target/classes/static/viewer); a bare `npm run build` writes dist/.
export default defineConfig({
  base: './',
  customLogger: logger,
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 6000,
    rollupOptions: {
      input: { viewer: 'src/main.ts' },
      output: {
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name].js',
        assetFileNames: '[name][extname]',
      },
    },
  },
  worker: {
    format: 'es',
    rollupOptions: {
      output: {
        entryFileNames: 'workers/[name].js',
        chunkFileNames: 'workers/chunks/[name].js',
        assetFileNames: 'workers/[name][extname]',
      },
    },
  },
});
