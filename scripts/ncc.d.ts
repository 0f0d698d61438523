/** The part of @vercel/ncc's programmatic interface scripts/build.ts uses (the package ships no types). */
declare module '@vercel/ncc' {
  interface Options {
    filename?: string;
    externals?: string[] | Record<string, string>;
    minify?: boolean;
    sourceMap?: boolean;
    sourceMapRegister?: boolean;
    sourceMapBasePrefix?: string;
    quiet?: boolean;
  }
  interface Output {
    code: string;
    map?: string;
    assets: Record<string, { source: string | Buffer }>;
  }
  export default function ncc(entry: string, options?: Options): Promise<Output>;
}
