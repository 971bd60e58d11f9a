// The bundled networks, file name to text: a module made by scripts/bundle-web.mjs.
declare module "netc:library" {
  const files: Record<string, string>;
  export default files;
}
