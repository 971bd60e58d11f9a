// A restricted unpickler for PyTorch state dicts: it builds dicts, lists, tuples,
// strings, numbers and tensors, and nothing else. A pickle names the Python functions
// it calls (GLOBAL); this one knows a short list (an OrderedDict, the tensor and
// parameter rebuilders, the storage types) and refuses any other name before anything
// could run, so a checkpoint can never execute code, whatever it holds.

export class UnpickleError extends Error {}

/** A storage a tensor views: a file of the archive (`data/KEY`), of a dtype. */
export interface StorageRef {
  kind: "storage";
  dtype: string; // Float, Half, BFloat16, Double, Long, Int, Short, Char, Byte, Bool
  key: string;
  numel: number;
}

/** A tensor as torch._utils._rebuild_tensor_v2 describes it. */
export interface TensorRef {
  kind: "tensor";
  storage: StorageRef;
  offset: number;
  size: number[];
  stride: number[];
}

interface Global {
  kind: "global";
  module: string;
  name: string;
}

const STORAGES = ["Float", "Half", "BFloat16", "Double", "Long", "Int", "Short", "Char", "Byte", "Bool"];
const ALLOWED = new Set([
  "collections.OrderedDict",
  "torch._utils._rebuild_tensor_v2",
  "torch._utils._rebuild_parameter",
  ...STORAGES.map((s) => `torch.${s}Storage`),
]);

const MARK = Symbol("mark");

/** Unpickles `bytes`: tensors come back as TensorRefs, their storages named, not read. */
export function unpickle(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder();
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > bytes.length) throw new UnpickleError(`the pickle ends in the middle of an instruction (at byte ${pos})`);
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = () => bytes[need(1)];
  const u16 = () => view.getUint16(need(2), true);
  const u32 = () => view.getUint32(need(4), true);
  const str = (n: number) => text.decode(bytes.subarray(need(n), pos));
  const line = () => {
    const end = bytes.indexOf(10, pos);
    if (end < 0) throw new UnpickleError("the pickle ends inside a name");
    const s = text.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = () => {
    if (!stack.length) throw new UnpickleError("the pickle pops an empty stack");
    return stack.pop();
  };
  const popMark = () => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) throw new UnpickleError("the pickle has no mark to pop to");
    const items = stack.splice(at);
    items.shift();
    return items;
  };
  const top = () => stack[stack.length - 1];
  const global = (module: string, name: string): Global => {
    const full = `${module}.${name}`;
    if (!ALLOWED.has(full)) throw new UnpickleError(`it names the Python global ${full}, which netc refuses: it reads tensors only, never code`);
    return { kind: "global", module, name };
  };
  const setItems = (dict: unknown, items: unknown[]) => {
    if (!(dict instanceof Map)) throw new UnpickleError("the pickle sets items on something that is not a dict");
    for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i], items[i + 1]);
  };
  const append = (list: unknown, items: unknown[]) => {
    if (!Array.isArray(list)) throw new UnpickleError("the pickle appends to something that is not a list");
    list.push(...items);
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: need(8); break; // FRAME: a length only
      case 0x2e: return pop(); // STOP
      case 0x28: stack.push(MARK); break; // MARK
      case 0x63: stack.push(global(line(), line())); break; // GLOBAL
      case 0x93: { const name = pop(); stack.push(global(String(pop()), String(name))); break; } // STACK_GLOBAL
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const k = op === 0x68 ? u8() : u32();
        if (!memo.has(k)) throw new UnpickleError(`the pickle reads memo ${k}, never stored`);
        stack.push(memo.get(k));
        break;
      }
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); stack.push([pop(), b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); stack.push([pop(), b, c]); break; } // TUPLE3
      case 0x58: stack.push(str(u32())); break; // BINUNICODE
      case 0x8c: stack.push(str(u8())); break; // SHORT_BINUNICODE
      case 0x55: stack.push(str(u8())); break; // SHORT_BINSTRING
      case 0x54: stack.push(str(u32())); break; // BINSTRING
      case 0x43: stack.push(bytes.slice(need(u8()), pos)); break; // SHORT_BINBYTES
      case 0x42: { const n = u32(); stack.push(bytes.slice(need(n), pos)); break; } // BINBYTES
      case 0x4a: stack.push(view.getInt32(need(4), true)); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: { // LONG1: little-endian two's complement
        const n = u8();
        const at = need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i]);
        if (n && bytes[at + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(Number(v));
        break;
      }
      case 0x47: stack.push(view.getFloat64(need(8), false)); break; // BINFLOAT (big-endian)
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x61: { const v = pop(); append(top(), [v]); break; } // APPEND
      case 0x65: { const items = popMark(); append(top(), items); break; } // APPENDS
      case 0x62: pop(); break; // BUILD: an OrderedDict's state (_metadata) is not needed
      case 0x51: stack.push(persistent(pop())); break; // BINPERSID
      case 0x52: { const args = pop(); stack.push(call(pop(), args)); break; } // REDUCE
      default:
        throw new UnpickleError(`the pickle uses opcode 0x${op.toString(16)} at byte ${pos - 1}, which a state dict does not need`);
    }
  }
}

function persistent(id: unknown): StorageRef {
  if (!Array.isArray(id) || id[0] !== "storage" || (id[1] as Global)?.kind !== "global") throw new UnpickleError("a persistent id that is not a tensor storage");
  const type = (id[1] as Global).name.replace(/Storage$/, "");
  return { kind: "storage", dtype: type, key: String(id[2]), numel: Number(id[4]) };
}

function call(f: unknown, args: unknown): unknown {
  const g = f as Global;
  if (g?.kind !== "global" || !Array.isArray(args)) throw new UnpickleError("the pickle calls something that is not a known function");
  const name = `${g.module}.${g.name}`;
  if (name === "collections.OrderedDict") return new Map();
  if (name === "torch._utils._rebuild_parameter") return args[0];
  if (name === "torch._utils._rebuild_tensor_v2") {
    const [storage, offset, size, stride] = args as [StorageRef, number, number[], number[]];
    if (storage?.kind !== "storage" || !Array.isArray(size) || !Array.isArray(stride)) throw new UnpickleError("a tensor without a storage, size or stride");
    return { kind: "tensor", storage, offset: Number(offset), size: size.map(Number), stride: stride.map(Number) } satisfies TensorRef;
  }
  throw new UnpickleError(`the pickle calls ${name}, which is not a function netc runs`);
}
