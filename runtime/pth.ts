// PyTorch checkpoints (.pth, .pt): torch.save's zip archive of a pickle (data.pkl) and
// one raw file per tensor storage (data/0, data/1, …). Read with fflate (the zip) and a
// restricted unpickler that builds tensors only (runtime/unpickle.ts). loadWeights
// chooses the reader by the file's first bytes, not its name, and renames tensors.
import { readFile } from "node:fs/promises";
import { unzipSync } from "fflate";
import { readSafetensors, WeightsError } from "./safetensors.js";

export { WeightsError };
import { numel, type StateDict, type StateTensor } from "./state.js";
import { unpickle, UnpickleError, type TensorRef } from "./unpickle.js";

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]; // protocol 2, LONG1 0x1950a86a20f9469cfc6c
const startsWith = (b: Uint8Array, magic: number[]) => magic.every((m, i) => b[i] === m);

/** What a weights file is, by its first bytes. */
export function weightsFormat(bytes: Uint8Array): "pytorch-zip" | "pytorch-legacy" | "pickle" | "safetensors" {
  // safetensors: an 8-byte little-endian header length, then the header's JSON object.
  // Checked first: a header of 640 bytes starts the file with 0x80 0x02, as a pickle does.
  if (bytes.length >= 10 && bytes[8] === 0x7b) {
    const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
    if (length >= 2n && 8n + length <= BigInt(bytes.length)) return "safetensors";
  }
  if (startsWith(bytes, ZIP)) return "pytorch-zip";
  if (startsWith(bytes, LEGACY_MAGIC)) return "pytorch-legacy";
  if (bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5) return "pickle";
  return "safetensors";
}

/**
 * Reads a state dict from a safetensors file or a PyTorch checkpoint, then applies the
 * renames in order (each `from=to`, `from` a regular expression over the names).
 */
export async function loadWeights(path: string, opts: { rename?: readonly string[] } = {}): Promise<StateDict> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new WeightsError(path, `cannot be read (${(e as Error).message})`);
  }
  const format = weightsFormat(bytes);
  const tensors = format === "safetensors" ? readSafetensors(bytes, path) : readPth(bytes, path);
  return renameTensors(tensors, opts.rename ?? [], path);
}

export function readPth(bytes: Uint8Array, path: string): StateDict {
  const format = weightsFormat(bytes);
  if (format === "pytorch-legacy")
    throw new WeightsError(path, "is in PyTorch's legacy format (before 1.6), which netc does not read: re-save it in PyTorch with torch.save(torch.load(OLD), NEW)");
  if (format === "pickle") throw new WeightsError(path, "is a bare pickle, not a torch.save archive: save the state dict with torch.save(model.state_dict(), FILE)");
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new WeightsError(path, `is not a readable zip archive (${(e as Error).message})`);
  }
  const names = Object.keys(files);
  const pkl = names.find((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (!pkl) {
    const what = names.some((n) => /\/constants\.pkl$|\/code\//.test(n)) ? "a TorchScript archive (torch.jit.save)" : "a zip archive without data.pkl";
    throw new WeightsError(path, `is ${what}, not a state dict saved with torch.save(model.state_dict(), FILE)`);
  }
  const prefix = pkl.slice(0, -"data.pkl".length);
  let root: unknown;
  try {
    root = unpickle(files[pkl]);
  } catch (e) {
    if (!(e instanceof UnpickleError)) throw e;
    throw new WeightsError(path, `is not a plain state dict: ${e.message}. A whole pickled model cannot be read; in PyTorch, save its weights with torch.save(model.state_dict(), FILE)`);
  }
  if (root instanceof Map && root.has("state_dict") && root.get("state_dict") instanceof Map) root = root.get("state_dict"); // a training checkpoint {state_dict, epoch, …}
  if (!(root instanceof Map)) throw new WeightsError(path, "does not hold a dict of tensors (a state dict)");
  const out: StateDict = new Map();
  for (const [name, value] of root) {
    if ((value as TensorRef)?.kind !== "tensor") continue; // _metadata and other non-tensors
    out.set(String(name), tensorOf(value as TensorRef, files, prefix, path, String(name)));
  }
  if (!out.size) throw new WeightsError(path, "holds no tensors");
  return out;
}

const BYTES: Record<string, number> = { Float: 4, Half: 2, BFloat16: 2, Double: 8, Long: 8, Int: 4, Short: 2, Char: 1, Byte: 1, Bool: 1 };

function tensorOf(t: TensorRef, files: Record<string, Uint8Array>, prefix: string, path: string, name: string): StateTensor {
  const raw = files[`${prefix}data/${t.storage.key}`];
  const size = BYTES[t.storage.dtype];
  if (!raw || !size) throw new WeightsError(path, `${name}: its storage data/${t.storage.key} (${t.storage.dtype}) is missing`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = numel(t.size);
  const read = (i: number): number => {
    const at = i * size;
    switch (t.storage.dtype) {
      case "Float": return view.getFloat32(at, true);
      case "Double": return view.getFloat64(at, true);
      case "Half": return half(view.getUint16(at, true));
      case "BFloat16": return new Float32Array(new Uint32Array([view.getUint16(at, true) << 16]).buffer)[0];
      case "Long": return Number(view.getBigInt64(at, true));
      case "Int": return view.getInt32(at, true);
      case "Short": return view.getInt16(at, true);
      case "Char": return view.getInt8(at);
      default: return view.getUint8(at);
    }
  };
  // element i of the tensor, row-major, is at offset + sum(index_d * stride_d) in the storage
  const index = (i: number) => {
    let at = t.offset;
    for (let d = t.size.length - 1; d >= 0; d--) {
      at += (i % t.size[d]) * t.stride[d];
      i = Math.floor(i / t.size[d]);
    }
    return at;
  };
  const last = n ? index(n - 1) : 0;
  if (n && (last + 1) * size > raw.length) throw new WeightsError(path, `${name}: shape ${t.size.join("x")} runs past its storage`);
  if (t.storage.dtype === "Long" && t.size.length === 0) return { shape: [], data: BigInt64Array.of(view.getBigInt64(index(0) * 8, true)), dtype: "I64" };
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = read(index(i));
  return { shape: t.size, data, dtype: "F32" };
}

function half(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Applies `from=to` renames (regular expressions, in order) to every name. */
export function renameTensors(tensors: StateDict, renames: readonly string[], path: string): StateDict {
  if (!renames.length) return tensors;
  const rules = renames.map((r) => {
    const eq = r.indexOf("=");
    if (eq <= 0) throw new WeightsError(path, `--rename takes FROM=TO (FROM a regular expression), got ${r}`);
    try {
      return [new RegExp(r.slice(0, eq)), r.slice(eq + 1)] as const;
    } catch (e) {
      throw new WeightsError(path, `--rename ${r}: ${(e as Error).message}`);
    }
  });
  const out: StateDict = new Map();
  for (const [name, t] of tensors) {
    const renamed = rules.reduce((n, [from, to]) => n.replace(from, to), name);
    if (out.has(renamed)) throw new WeightsError(path, `--rename gives two tensors the name ${renamed}`);
    out.set(renamed, t);
  }
  return out;
}
