// ONNX export: a compiled network and its state dict as an ONNX model.
export { exportOnnx, exportOnnxExternal, onnxModel, exportedOps, ExportError, DEFAULT_OPSET, OPSETS, type OnnxExportOptions, type ExternalData } from "./export.js";
export { decodeModel, encodeModel, type ModelProto } from "./proto.js";
