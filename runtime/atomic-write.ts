// Atomic writes that leave nothing behind and keep what the user set up:
//
// - the bytes go to a temporary file beside the target, then one rename replaces it:
//   a reader never sees half a file;
// - a symbolic link is written through (its target is replaced; the link stays a link)
//   and an existing file keeps its mode (fmt --write turned a 640 file into 644 and a
//   link into a regular file);
// - temporary files are removed when the process is interrupted (SIGINT, SIGTERM,
//   SIGHUP) and, for those a kill -9 left, by the next write to the same file: kills
//   orphaned up to 84 MB of hidden .tmp files.
import { randomBytes } from "node:crypto";
import { chmodSync, lstatSync, readdirSync, readlinkSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { chmod, rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

const live = new Set<string>();
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
let installed = false;

function onSignal(signal: NodeJS.Signals) {
  // Another listener (train's graceful Ctrl-C) handles it: the write in progress completes.
  if (process.listenerCount(signal) > 1) return;
  removeLive();
  for (const s of SIGNALS) process.off(s, onSignal);
  installed = false;
  process.kill(process.pid, signal); // the default action, now that nothing is left behind
}

function removeLive() {
  for (const f of live) {
    try {
      unlinkSync(f);
    } catch {
      // already renamed or removed
    }
  }
  live.clear();
}

function track(tmp: string) {
  live.add(tmp);
  if (!installed) {
    for (const s of SIGNALS) process.on(s, onSignal);
    process.on("exit", removeLive);
    installed = true;
  }
}

/** The temporary files of this process not yet renamed (for tests). */
export const liveTemporaryFiles = () => [...live];

/** The file a write to `path` replaces: the target of a symbolic link, else `path`. */
export function writeTarget(path: string): string {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return path;
  }
  if (!st.isSymbolicLink()) return path;
  try {
    return realpathSync(path);
  } catch {
    return resolve(dirname(path), readlinkSync(path)); // a dangling link: create what it points to
  }
}

const temporaryName = (target: string) => join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);

const alive = (pid: number) => {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Removes the temporary files of `target` left by processes that no longer run. */
export function removeStaleTemporaries(target: string) {
  const dir = dirname(target);
  const base = basename(target);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    // `.BASE.PID.HEX.tmp` (this module, safetensors) and `BASE.PID.tmp` (the earlier CLI writer)
    const m = name.startsWith(`.${base}.`) ? /^\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(base.length + 1)) : name.startsWith(`${base}.`) ? /^\.(\d+)\.tmp$/.exec(name.slice(base.length)) : null;
    if (m && !alive(Number(m[1]))) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        // gone already, or not ours to remove
      }
    }
  }
}

const modeOf = (path: string) => {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
};

/** An error about the temporary file, told about the file the user named (ours is not theirs to know). */
function asTargetError(e: unknown, tmp: string, path: string): unknown {
  const err = e as NodeJS.ErrnoException & { dest?: string };
  if (err?.path === tmp) {
    err.path = path;
    err.message = err.message.replace(tmp, path);
    if (err.dest) delete err.dest;
  }
  return e;
}

/** Writes `data` to `path` atomically (synchronously): through links, keeping the mode. */
export function writeFileAtomicallySync(path: string, data: string | Uint8Array) {
  const target = writeTarget(path);
  removeStaleTemporaries(target);
  const mode = modeOf(target);
  const tmp = temporaryName(target);
  track(tmp);
  try {
    writeFileSync(tmp, data);
    if (mode !== undefined) chmodSync(tmp, mode);
    renameSync(tmp, target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never made
    }
    throw asTargetError(e, tmp, path);
  } finally {
    live.delete(tmp);
  }
}

/** Writes `data` to `path` atomically, flushed to disk: through links, keeping the mode. */
export async function writeFileAtomically(path: string, data: string | Uint8Array) {
  const target = writeTarget(path);
  removeStaleTemporaries(target);
  const mode = modeOf(target);
  const tmp = temporaryName(target);
  track(tmp);
  try {
    await writeFile(tmp, data, { flush: true });
    if (mode !== undefined) await chmod(tmp, mode);
    await rename(tmp, target);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw asTargetError(e, tmp, path);
  } finally {
    live.delete(tmp);
  }
}
