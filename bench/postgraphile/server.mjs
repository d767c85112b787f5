// Starts PostGraphile on node:http with graphile.config.mjs (the same thing
// `postgraphile -C graphile.config.mjs` does, in a process of our own so that
// bench/run measures the server's own RSS). GraphQL: POST /graphql.
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import preset from "./graphile.config.mjs";

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (e) => {
  console.error(e);
  process.exit(1);
});
await serv.addTo(server);
const { host, port } = preset.grafserv;
server.listen(port, host, () => {
  console.log(`postgraphile listening on http://${host}:${port}/graphql`);
});
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    server.close();
    pgl.release().finally(() => process.exit(0));
  });
}
