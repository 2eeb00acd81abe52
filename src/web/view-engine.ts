import ejs from 'ejs';

type RenderCallback = (error: Error | null, html?: string) => void;

/**
 * EJS for Express. Views include partials by absolute path from the views folder
 * (`include('/partials/head')`): EJS resolves those without the file-system lookup it makes per
 * include and per render for relative paths. `cache` keeps compiled templates (production).
 */
export function ejsEngine(viewsDir: string, cache: boolean) {
  return (file: string, data: object, done: RenderCallback): void => {
    ejs.renderFile(file, data, { root: viewsDir, views: [viewsDir], cache }, done);
  };
}
