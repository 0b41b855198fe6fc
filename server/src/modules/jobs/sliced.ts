import { yieldToEventLoop, type SliceOptions } from "../../db/chunked";
import type { JobContext } from "./cluster-jobs";

/** Thrown from a slice's pause once the process stops; caught only by `slicedJob`. */
class JobStopped extends Error {}

/**
 * A cluster job's run over sliced work (anything that takes SliceOptions and pauses between slices): when this
 * process stops, the work ends at its next pause and the run answers `{ stopped: true }`, so its lease is handed
 * back unfinished and the next holder carries on. The work must keep what its finished slices did (the
 * dashboard's stored days do), since nothing else tells the next holder where it stopped.
 */
export function slicedJob<T>(work: (o: SliceOptions) => Promise<T>): (ctx: JobContext) => Promise<T | { stopped: true }> {
  return async (ctx) => {
    const pause = async () => {
      await yieldToEventLoop();
      if (ctx.stopping()) throw new JobStopped();
    };
    try {
      return await work({ pause });
    } catch (e) {
      if (e instanceof JobStopped) return { stopped: true };
      throw e;
    }
  };
}
