// The graph IR: a flat list of nodes in execution order (each op once, inputs before
// users), the network's inputs and outputs, and the module tree that names them the way
// PyTorch names its modules (`layer1.0.conv1`).
import type { Span } from "../syntax/diagnostics.js";
import type { Args, WeightSpec } from "./ops.js";
import type { Dim } from "./symbolic.js";
import type { Shape, Value } from "./values.js";

export interface IRNode {
  id: number;
  op: string; // an op of ops.ts, or "input", "add", "mul", "concat"
  name: string; // hierarchical module name; weights are `${name}.${weight.name}`
  attrs: Args;
  inputs: number[];
  shape: Shape | null; // null only after an error upstream
  weights: WeightSpec[]; // names relative to the node
  macs: Dim;
  span: Span;
}

export type ModuleKind = "network" | "block" | "group" | "layer";

export interface ModuleNode {
  name: string; // full dotted name ("" for the network)
  label: string; // the last component, or the op for unlabelled layers
  type: string; // block name, op name, or the grouping construct
  kind: ModuleKind;
  children: ModuleNode[];
  node?: number; // the IR node of a layer
  output?: number; // the IR node whose value the module outputs
  args?: Record<string, Value>; // a block's arguments, as it was called (exporters name constructor arguments after them)
  span: Span;
}

export interface Port {
  name: string;
  node: number;
}

export interface Graph {
  network: string;
  nodes: IRNode[];
  inputs: Port[];
  outputs: Port[];
  root: ModuleNode;
}

/** A weight's state_dict name; a weight named "" is a bare parameter named by its layer (ConvNeXt's layer_scale). */
export const weightName = (node: IRNode, w: WeightSpec) => (!w.name ? node.name : node.name ? `${node.name}.${w.name}` : w.name);
