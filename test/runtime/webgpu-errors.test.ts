// WebGPU reports device errors asynchronously and tfjs-webgpu never looks; netc does:
// after a device error, reading any value fails loudly instead of returning garbage.
// (Its own file: a device that reported an error stays untrusted for the process.)
import { describe, expect, it } from "vitest";
import { useBackend, tf } from "../../runtime/backend.js";
import { DeviceFailure } from "../../runtime/webgpu-guards.js";
import { softwareAdapterOrSkip } from "../support/webgpu.js";

const available = await softwareAdapterOrSkip();

describe.runIf(available)("device errors on the webgpu backend", { timeout: 120_000 }, () => {
  it("reads fine before, and refuses every read after a validation error", async () => {
    await useBackend("webgpu", { adapter: "software" });
    const a = tf.add(tf.tensor([1, 2, 3]), tf.tensor([10, 20, 30]));
    expect(Array.from(await a.data())).toEqual([11, 22, 33]);
    // An invalid buffer (usage 0) is a validation error: WebGPU does not throw for it.
    const device = (tf.backend() as unknown as { device: { createBuffer(d: object): unknown } }).device;
    device.createBuffer({ size: 16, usage: 0 });
    const b = tf.mul(tf.tensor([1, 2, 3]), tf.tensor([2, 2, 2]));
    await expect(b.data()).rejects.toThrow(DeviceFailure);
    await expect(b.data()).rejects.toThrow(/GPU reported an error.*usage/i);
  });
});
