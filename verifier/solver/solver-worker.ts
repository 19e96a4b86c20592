import { parentPort } from "node:worker_threads";
import type { SolveRequest, SolveResponse } from "./protocol.js";
import { openZ3Session, type Z3Session } from "./z3-session.js";

/**
 * Solver worker entry (loaded from dist/ by the pool). Answers one request at a time; the
 * pool never sends a second request before the first is answered. z3 is initialised on the
 * first request, so an idle worker costs no Wasm heap.
 */
const port = parentPort;
if (port === null) throw new Error("solver-worker must run in a worker thread");

let session: Promise<Z3Session> | undefined;

port.on("message", (request: SolveRequest) => {
  void answer(request).then((response) => port.postMessage(response));
});

async function answer(request: SolveRequest): Promise<SolveResponse> {
  let initMs: number | undefined;
  if (session === undefined) {
    const started = performance.now();
    session = openZ3Session();
    try {
      await session;
    } finally {
      initMs = performance.now() - started;
    }
  }
  const started = performance.now();
  try {
    const z3 = await session;
    const result = await z3.solve(request.smt, request.timeoutMs, request.rlimit, request.jsIntegers);
    return { type: "result", id: request.id, ...result, timeMs: performance.now() - started, initMs };
  } catch (error) {
    return { type: "error", id: request.id, message: error instanceof Error ? error.message : String(error), initMs };
  }
}
