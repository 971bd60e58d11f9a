// Paths the commands read and write, checked before the work starts, and every file
// system fault turned into a clear error that names the path: an output that is a
// directory, in a missing or unwritable folder, under /proc (where Node's recursive
// mkdir loops forever), an input that is a folder named x.png, a dangling link, or a
// FIFO that would block a read forever. No TensorFlow.js here.
import { accessSync, constants, lstatSync, mkdirSync, readFileSync, statSync, type Stats } from "node:fs";
import { dirname, resolve } from "node:path";

/** A file system fault, for a person: the message names the path and what is wrong. */
export class PathError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = "PathError";
  }
}

const reasons: Record<string, string> = {
  ENOENT: "it does not exist",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "it is a directory",
  ENOTDIR: "a part of the path is not a directory",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exceeded",
  ELOOP: "too many symbolic links (a link loop?)",
  ENAMETOOLONG: "the name is too long",
  EEXIST: "it already exists",
  EMFILE: "too many open files",
  EBUSY: "the resource is busy",
  EXDEV: "it is on another file system",
  EINVAL: "invalid argument",
  EIO: "an input/output error",
};

/** Node's file system error, as words: "permission denied", "it does not exist". */
export function reasonOf(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return (err.code && reasons[err.code]) ?? err.message ?? String(e);
}

/** Whether `e` is one of Node's file system errors (with a code and a path or syscall). */
export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  const err = e as NodeJS.ErrnoException;
  return !!err && typeof err.code === "string" && /^E[A-Z0-9]+$/.test(err.code) && (typeof err.path === "string" || typeof err.syscall === "string");
}

/** A file system error as a PathError naming its path. */
export function pathErrorOf(e: NodeJS.ErrnoException & { dest?: string }, what = "the file"): PathError {
  const path = e.path ?? "?";
  const verb = e.syscall === "open" || e.syscall === "read" ? "use" : e.syscall === "rename" || e.syscall === "write" ? "write" : (e.syscall ?? "use");
  return new PathError(path, `cannot ${verb} ${what} ${path}${e.dest ? ` (to ${e.dest})` : ""}: ${reasonOf(e)}`);
}

const statOrUndefined = (path: string): Stats | undefined => {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    throw new PathError(path, `cannot use ${path}: ${reasonOf(e)}`);
  }
};

/**
 * Reads an input file, refusing a directory or anything but a regular file (a FIFO
 * would block forever) with an error naming it. `what`: "the image", "the weights".
 */
export function readInputFile(path: string, what = "the file"): Buffer {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    const dangling = (e as NodeJS.ErrnoException).code === "ENOENT" && isLink(path);
    throw new PathError(path, `cannot read ${what} ${path}: ${dangling ? "it is a symbolic link to nothing" : reasonOf(e)}`);
  }
  if (st.isDirectory()) throw new PathError(path, `cannot read ${what} ${path}: it is a directory`);
  if (!st.isFile()) throw new PathError(path, `cannot read ${what} ${path}: it is not a regular file`);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new PathError(path, `cannot read ${what} ${path}: ${reasonOf(e)}`);
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Checks, before any work, that `path` can be written as an output file: not a
 * directory nor a device, in an existing folder (made first when `makeFolder`) that can
 * be written. Throws a PathError naming the path.
 */
export function checkOutputPath(path: string, what = "the output", opts: { makeFolder?: boolean } = {}) {
  if (path === "" || path.endsWith("/")) throw new PathError(path, `cannot write ${what} ${path || '""'}: it names a directory, not a file`);
  const st = statOrUndefined(path);
  if (st?.isDirectory()) throw new PathError(path, `cannot write ${what} ${path}: it is a directory`);
  if (st && !st.isFile()) throw new PathError(path, `cannot write ${what} ${path}: it is not a regular file`);
  const folder = dirname(resolve(path));
  if (opts.makeFolder) makeFolders(folder, path, what);
  const dir = statOrUndefined(folder);
  if (!dir) throw new PathError(path, `cannot write ${what} ${path}: the folder ${dirname(path)} does not exist`);
  if (!dir.isDirectory()) throw new PathError(path, `cannot write ${what} ${path}: ${dirname(path)} is not a folder`);
  try {
    accessSync(folder, constants.W_OK);
  } catch (e) {
    throw new PathError(path, `cannot write ${what} ${path}: the folder ${dirname(path)} cannot be written (${reasonOf(e)})`);
  }
}

/**
 * `mkdir -p` that ends: Node's recursive mkdir loops forever on some paths under /proc;
 * this walks up to the first folder that exists, then makes each one below it.
 */
export function makeFolders(folder: string, forPath = folder, what = "the output") {
  const missing: string[] = [];
  let at = resolve(folder);
  for (;;) {
    const st = statOrUndefined(at);
    if (st) {
      if (!st.isDirectory()) throw new PathError(forPath, `cannot write ${what} ${forPath}: ${at} is not a folder`);
      break;
    }
    missing.push(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw new PathError(forPath, `cannot write ${what} ${forPath}: cannot make the folder ${dir} (${reasonOf(e)})`);
    }
  }
}
