import { defineConfig } from 'vite';

// The bundle goes straight into the application's static resources (served at /viewer/), with
// fixed names so that the Thymeleaf page can link viewer.js and viewer.css without a manifest.
// Maven passes --outDir (target/classes/static/viewer); a bare `npm run build` writes dist/.
export default defineConfig({
  base: './',
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
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
