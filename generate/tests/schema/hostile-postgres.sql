-- The names of hostile-sqlite.sql in PostgreSQL, and the case-only clashes
-- SQLite cannot hold (`self` and `Self`, columns `Name` and `name`).
CREATE TABLE "self" (
    id SERIAL PRIMARY KEY,
    "type" TEXT NOT NULL,
    "__typename" TEXT
);
CREATE TABLE "crate" (
    id SERIAL PRIMARY KEY,
    "self id" INTEGER UNIQUE REFERENCES "self" (id) ON DELETE SET NULL,
    "match" INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE "type" (
    id SERIAL PRIMARY KEY,
    "fn" TEXT,
    "display name" TEXT,
    "Self" TEXT
);
CREATE TABLE "quo""ted | `md` */ <b>x</b>" (
    id SERIAL PRIMARY KEY,
    note TEXT
);
CREATE TABLE "notes
fn hasone_injected_table() {}" (
    id SERIAL PRIMARY KEY,
    body TEXT
);
CREATE TABLE owners (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE pets (
    id SERIAL PRIMARY KEY,
    "owner_id
fn hasone_injected() {}
//" INTEGER UNIQUE REFERENCES owners (id)
);
CREATE TABLE "super" (id SERIAL PRIMARY KEY);
CREATE TABLE "mod" (id SERIAL PRIMARY KEY);
CREATE TABLE "2fa" (id SERIAL PRIMARY KEY);
CREATE TABLE "__" (id SERIAL PRIMARY KEY);
CREATE TABLE "café" (id SERIAL PRIMARY KEY);
CREATE TABLE digits (id SERIAL PRIMARY KEY, "2col" INTEGER);
CREATE TABLE underscores (id SERIAL PRIMARY KEY, "__" TEXT);
CREATE TABLE accents (id SERIAL PRIMARY KEY, "prénom" TEXT);
CREATE TABLE generations (id SERIAL PRIMARY KEY, "gen" INTEGER);
CREATE TABLE supers (id SERIAL PRIMARY KEY, "super" INTEGER);
CREATE TABLE ids (code TEXT PRIMARY KEY, id INTEGER);
CREATE TABLE user_profiles (id SERIAL PRIMARY KEY);
CREATE TABLE "UserProfiles" (id SERIAL PRIMARY KEY);
CREATE TABLE strings (id SERIAL PRIMARY KEY);
CREATE TABLE queries (id SERIAL PRIMARY KEY);
CREATE TABLE small_keys (id SMALLINT PRIMARY KEY, label TEXT);
CREATE TABLE "Self" (id SERIAL PRIMARY KEY);
CREATE TABLE cases (id SERIAL PRIMARY KEY, "Name" TEXT, "name" TEXT);

INSERT INTO "self" ("type", "__typename") VALUES ('first', 'mine');
INSERT INTO "crate" ("self id", "match") VALUES (1, 7);
INSERT INTO "quo""ted | `md` */ <b>x</b>" (note) VALUES ('quoted');
INSERT INTO "type" ("fn", "display name", "Self") VALUES ('f', 'shown', 'me');
