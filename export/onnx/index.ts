// ONNX export: a compiled network and its state dict as an ONNX model.
export { exportOnnx, onnxModel, exportedOps, ExportError, DEFAULT_OPSET, OPSETS, type OnnxExportOptions } from "./export.js";
export { decodeModel, type ModelProto } from "./proto.js";
