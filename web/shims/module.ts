// node:module for the browser bundle: the runtime's Node-only WebGPU adapter finder
// (Dawn's npm package) is never used in a browser, which has navigator.gpu.
export const createRequire = (_url: string) => {
  const require = (id: string): never => {
    throw new Error(`${id} is not available in the browser`);
  };
  return Object.assign(require, { resolve: require });
};
export default { createRequire };
