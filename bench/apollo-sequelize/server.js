// Apollo Server 4 + Sequelize 6 + dataloader-sequelize: the four has-one
// fields of hasone's `User` (profile, billingAddress, shippingAddress,
// project), their belongsTo inverses, `users(first:)`, `user(id:)` and the
// profile's set/create mutations, with hasone's field names and global ids
// (`User:14`), so bench/run sends both servers the same GraphQL documents.
//
// Environment: DATABASE_URL (postgres://...), PORT, POOL_SIZE (default 16,
// hasone's default pool size; Sequelize's own default is 5).
"use strict";

const { ApolloServer } = require("@apollo/server");
const { startStandaloneServer } = require("@apollo/server/standalone");
const { GraphQLError } = require("graphql");
const { Sequelize, DataTypes } = require("sequelize");
const { createContext, EXPECTED_OPTIONS_KEY } = require("dataloader-sequelize");

const poolSize = Number(process.env.POOL_SIZE ?? 16);
const sequelize = new Sequelize(process.env.DATABASE_URL, {
  logging: false,
  pool: { max: poolSize, min: 0, idle: 60_000 },
});

const { INTEGER, STRING, BOOLEAN } = DataTypes;
const pk = { type: INTEGER, primaryKey: true, autoIncrement: true };
const noTimestamps = { timestamps: false };

const User = sequelize.define(
  "User",
  { id: pk, name: STRING, email: STRING },
  { ...noTimestamps, tableName: "users" },
);
const Profile = sequelize.define(
  "Profile",
  { id: pk, userId: { type: INTEGER, field: "user_id" }, bio: STRING, visibility: STRING },
  { ...noTimestamps, tableName: "profiles" },
);
const addressAttributes = {
  id: pk,
  userId: { type: INTEGER, field: "user_id" },
  kind: STRING,
  street: STRING,
  city: STRING,
  country: STRING,
  verified: BOOLEAN,
};
// dataloader-sequelize keys its hasOne loaders by target model and foreign
// key and ignores the association's `scope` (mickhansen/dataloader-sequelize
// issue #65, closed as wontfix): with one Address model, billingAddress and
// shippingAddress would share one loader and both return the user's first
// address. The workaround used here: one model per association over the same
// table, whose defaultScope is the association scope. The hasOne keeps its
// `scope` too, so Sequelize assigns `kind` when it links or creates a target.
const BillingAddress = sequelize.define("BillingAddress", addressAttributes, {
  ...noTimestamps,
  tableName: "addresses",
  defaultScope: { where: { kind: "billing" } },
});
const ShippingAddress = sequelize.define("ShippingAddress", addressAttributes, {
  ...noTimestamps,
  tableName: "addresses",
  defaultScope: { where: { kind: "shipping" } },
});
const Project = sequelize.define(
  "Project",
  {
    id: pk,
    ownerId: { type: INTEGER, field: "owner_id" },
    name: STRING,
    archived: BOOLEAN,
  },
  { ...noTimestamps, tableName: "projects", defaultScope: { where: { archived: false } } },
);

User.hasOne(Profile, { as: "profile", foreignKey: "userId" });
User.hasOne(BillingAddress, { as: "billingAddress", foreignKey: "userId", scope: { kind: "billing" } });
User.hasOne(ShippingAddress, { as: "shippingAddress", foreignKey: "userId", scope: { kind: "shipping" } });
User.hasOne(Project, { as: "project", foreignKey: "ownerId" });
Profile.belongsTo(User, { as: "user", foreignKey: "userId" });
BillingAddress.belongsTo(User, { as: "user", foreignKey: "userId" });
ShippingAddress.belongsTo(User, { as: "user", foreignKey: "userId" });
Project.belongsTo(User, { as: "owner", foreignKey: "ownerId" });

const typeDefs = `#graphql
  type Query {
    user(id: ID!): User
    users(first: Int = 10): UserConnection!
  }
  type Mutation {
    setUserProfile(userId: ID!, profileId: ID): SetUserProfilePayload!
    createUserProfile(userId: ID!, input: CreateProfileInput!): CreateUserProfilePayload!
  }
  type PageInfo { hasNextPage: Boolean! }
  type UserConnection { edges: [UserEdge!]! pageInfo: PageInfo! }
  type UserEdge { node: User! }
  type User {
    id: ID!
    rowId: Int!
    name: String!
    email: String!
    profile: Profile
    billingAddress: Address
    shippingAddress: Address
    project: Project
  }
  type Profile { id: ID! rowId: Int! userId: ID bio: String! visibility: String! user: User }
  type Address {
    id: ID! rowId: Int! userId: ID kind: String street: String! city: String! country: String!
    verified: Boolean! user: User
  }
  type Project { id: ID! rowId: Int! ownerId: ID name: String! archived: Boolean! owner: User }
  input CreateProfileInput { bio: String! visibility: String = "private" }
  type SetUserProfilePayload { user: User! profile: Profile }
  type CreateUserProfilePayload { user: User! profile: Profile }
`;

/** `User:14`, `"14"` or `14` -> 14 (hasone's global ids). */
function rowId(type, id) {
  const s = String(id);
  const n = Number(s.startsWith(`${type}:`) ? s.slice(type.length + 1) : s);
  if (!Number.isInteger(n)) {
    throw new GraphQLError(`invalid ${type} id`, { extensions: { code: "BAD_USER_INPUT" } });
  }
  return n;
}
const globalId = (type) => (row) => `${type}:${row.id}`;
const ref = (type, value) => (value == null ? null : `${type}:${value}`);
const notFound = (what) =>
  new GraphQLError(`${what} not found`, { extensions: { code: "NOT_FOUND" } });
// The request's dataloader-sequelize context, passed to every association getter.
const batched = (ctx) => ({ [EXPECTED_OPTIONS_KEY]: ctx.loaders });

const resolvers = {
  Query: {
    user: (_, { id }, ctx) => User.findByPk(rowId("User", id), batched(ctx)),
    users: async (_, { first }) => {
      const rows = await User.findAll({ order: [["id", "ASC"]], limit: first + 1 });
      return {
        edges: rows.slice(0, first).map((node) => ({ node })),
        pageInfo: { hasNextPage: rows.length > first },
      };
    },
  },
  Mutation: {
    // user.setProfile(profile) in one transaction (the loaders are bypassed:
    // dataloader-sequelize never batches inside a transaction).
    setUserProfile: (_, { userId, profileId }) =>
      sequelize.transaction(async (transaction) => {
        const user = await User.findByPk(rowId("User", userId), { transaction });
        if (!user) throw notFound("user");
        let profile = null;
        if (profileId != null) {
          profile = await Profile.findByPk(rowId("Profile", profileId), { transaction });
          if (!profile) throw notFound("profile");
        }
        await user.setProfile(profile, { transaction });
        return { user, profile };
      }),
    // user.createProfile(values); Sequelize's create does not unlink the
    // current target (the unique foreign key would refuse the insert), so
    // setProfile(null) unlinks it first, as hasone's create does.
    createUserProfile: (_, { userId, input }) =>
      sequelize.transaction(async (transaction) => {
        const user = await User.findByPk(rowId("User", userId), { transaction });
        if (!user) throw notFound("user");
        await user.setProfile(null, { transaction });
        const profile = await user.createProfile(input, { transaction });
        return { user, profile };
      }),
  },
  User: {
    id: globalId("User"),
    rowId: (u) => u.id,
    profile: (u, _, ctx) => u.getProfile(batched(ctx)),
    billingAddress: (u, _, ctx) => u.getBillingAddress(batched(ctx)),
    shippingAddress: (u, _, ctx) => u.getShippingAddress(batched(ctx)),
    project: (u, _, ctx) => u.getProject(batched(ctx)),
  },
  Profile: {
    id: globalId("Profile"),
    rowId: (p) => p.id,
    userId: (p) => ref("User", p.userId),
    user: (p, _, ctx) => p.getUser(batched(ctx)),
  },
  Address: {
    id: globalId("Address"),
    rowId: (a) => a.id,
    userId: (a) => ref("User", a.userId),
    user: (a, _, ctx) => a.getUser(batched(ctx)),
  },
  Project: {
    id: globalId("Project"),
    rowId: (p) => p.id,
    ownerId: (p) => ref("User", p.ownerId),
    owner: (p, _, ctx) => p.getOwner(batched(ctx)),
  },
};

async function main() {
  await sequelize.authenticate();
  const server = new ApolloServer({ typeDefs, resolvers });
  const { url } = await startStandaloneServer(server, {
    listen: { host: "127.0.0.1", port: Number(process.env.PORT ?? 4000) },
    // A fresh set of loaders per request, never shared between requests.
    context: async () => ({ loaders: createContext(sequelize) }),
  });
  console.log(`apollo-sequelize listening on ${url}graphql`);
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, () => {
      server.stop().finally(() => sequelize.close().finally(() => process.exit(0)));
    });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
