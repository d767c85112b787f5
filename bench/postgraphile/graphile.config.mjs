// PostGraphile 5 for bench/run: the Amber preset (PostGraphile's default),
// the `public` schema of $DATABASE_URL, and nothing else changed except:
// - a pg pool of 16 connections (hasone's default pool size; node-postgres
//   defaults to 10),
// - no GraphiQL (ruru), no watch mode, no EXPLAIN in responses: production mode.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

const poolSize = Number(process.env.POOL_SIZE ?? 16);

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      poolConfig: { max: poolSize },
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PORT ?? 5678),
    graphiql: false,
    watch: false,
  },
  grafast: { explain: false },
};

export default preset;
