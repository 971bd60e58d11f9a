// The CPU time a process has used, from /proc (Linux): the fuzzer's watchdog counts a
// worker's CPU seconds, not wall-clock seconds, so that a machine shared by many (load
// 20 on 2 cores) does not turn a slow mutant into a false "hang".
import { readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // Linux's USER_HZ

/** User + system CPU seconds of process `pid`, or undefined where /proc cannot tell. */
export function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // after "pid (comm) ": state is field 0
    const [utime, stime] = [Number(fields[11]), Number(fields[12])];
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}
