// Every property test is seeded (vitest setup file): fast-check draws its cases from
// this seed unless a test gives its own, so that a failure reproduces on any machine.
// NETC_SEED=N picks another seed; NETC_SEED=random a new one each run (it is printed
// with any failure, and NETC_SEED=that reproduces it).
import fc from "fast-check";

const env = process.env.NETC_SEED;
export const PROPERTY_SEED = env === "random" ? Date.now() % 2 ** 31 : Number(env ?? 20240611);
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: PROPERTY_SEED });
