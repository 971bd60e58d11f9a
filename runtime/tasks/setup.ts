// What `netc train` and `netc eval` need for a graph's task: the data set read for it
// and, for detection and segmentation, the objective that replaces cross-entropy.
import type { Graph } from "../../compiler/ir.js";
import { outputTask, type Task } from "../../compiler/tasks.js";
import { datasetFor, type Dataset } from "../data.js";
import type { Objective } from "../train.js";
import { taskDataset } from "./dataset.js";
import { taskObjective, type Augment } from "./objective.js";

export function trainingSetup(graph: Graph, spec: string, augment?: Augment): { task: Task; data: Dataset; objective?: Objective } {
  const task = outputTask(graph);
  if (task.kind === "classification") return { task, data: datasetFor(graph, spec) };
  const shape = graph.nodes[graph.inputs[0].node].shape as number[];
  return { task, data: taskDataset(spec, task, shape), objective: taskObjective(task, shape, augment) };
}
