// pngjs and jpeg-js for the browser bundle: the page decodes images with the browser's
// own decoders (createImageBitmap), so the runtime's Node decoders are never called.
const absent = (): never => {
  throw new Error("the playground decodes images with the browser");
};
export const PNG = { sync: { read: absent } };
export const decode = absent;
export default { decode: absent };
