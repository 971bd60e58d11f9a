// The runtime's entry point, loaded by the commands that execute networks (and only by
// them: check, summary and fmt never load TensorFlow.js).
export { useBackend, backendDescription, BACKENDS, BackendError, type BackendName, tf } from "./backend.js";
export { profileForward, formatGpuCounts, startGpuCounts, stopGpuCounts, type GpuCounts } from "./webgpu-profile.js";
export { activeAdapter, adapterLine, findAdapter, type AdapterReport } from "./webgpu.js";
export { Model, WeightsMismatchError, type LoadReport } from "./model.js";
export { RuntimeError } from "./kernels.js";
export { loadSafetensors, saveSafetensorsAtomically, WeightsError } from "./safetensors.js";
export { loadWeights } from "./pth.js";
export { readNpy, writeNpy, NpyError } from "./npy.js";
export { loadImage, ImageError, IMAGENET_MEAN, IMAGENET_STD, type ImageOptions } from "./image.js";
export { imagenetClasses } from "./labels.js";
export { loadInput, type InputOptions } from "./input.js";
export { classMap, LabelsError, readLabels, topClasses } from "./predictions.js";
export { averagedProbabilities, loadTtaInput, ttaCrops, type TtaMode } from "./tta.js";
export { ParallelModel } from "./parallel.js";
