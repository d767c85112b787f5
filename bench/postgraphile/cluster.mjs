// PostGraphile 5 with one worker per core for bench/run's
// `postgraphile-cluster` contender: node:cluster forks
// os.availableParallelism() workers, each running server.mjs (the same
// server as the one-process contender) on the same port (the primary hands
// out connections round-robin). Each worker gets a pg pool of
// POOL_SIZE / workers connections (at least 1), so the whole server holds
// POOL_SIZE connections, like every other contender.
import cluster from "node:cluster";
import { availableParallelism } from "node:os";

if (cluster.isPrimary) {
  const workers = Number(process.env.WORKERS ?? availableParallelism());
  const total = Number(process.env.POOL_SIZE ?? 16);
  const each = Math.max(1, Math.floor(total / workers));
  console.log(`postgraphile cluster: ${workers} workers, pool ${each} each (POOL_SIZE ${total})`);
  cluster.setupPrimary({ exec: new URL("./server.mjs", import.meta.url).pathname });
  for (let i = 0; i < workers; i++) {
    cluster.fork({ POOL_SIZE: String(each) });
  }
  let stopping = false;
  cluster.on("exit", (worker, code, signal) => {
    if (!stopping) {
      console.error(`worker ${worker.process.pid} exited (${signal ?? code}); stopping`);
      process.exit(1);
    }
  });
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, () => {
      stopping = true;
      for (const w of Object.values(cluster.workers)) w.process.kill("SIGTERM");
      setTimeout(() => process.exit(0), 3000).unref();
      cluster.on("exit", () => {
        if (Object.keys(cluster.workers).length === 0) process.exit(0);
      });
    });
  }
}
