-- Names as an attacker would choose them (issue 22, "Any name, safely"):
-- `hasone generate` serves each table under valid, escaped names, or skips
-- it with the reason. PostgreSQL and MariaDB have the same cases
-- (hostile-postgres.sql, hostile-mysql.sql), and the case-only ones SQLite
-- cannot hold.
--
-- Served: keywords as tables and columns (`self`, `crate`, `type`, `fn`,
-- `match`, `Self`), a has-one between `self` and `crate` through a column
-- with a space (`self id`), a GraphQL built-in as a column (`__typename`),
-- quotes, Markdown and a comment end in a table name, a newline and Rust
-- code in a table name.
CREATE TABLE "self" (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    "type" TEXT NOT NULL,
    "__typename" TEXT
);
CREATE TABLE "crate" (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    "self id" INTEGER UNIQUE REFERENCES "self" (id) ON DELETE SET NULL,
    "match" INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE "type" (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    "fn" TEXT,
    "display name" TEXT,
    "Self" TEXT
);
CREATE TABLE "quo""ted | `md` */ <b>x</b>" (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    note TEXT
);
CREATE TABLE "notes
fn hasone_injected_table() {}" (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    body TEXT
);
CREATE TABLE owners (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL
);
-- The injection: a one-to-one foreign key whose column name ends the doc
-- comment line and declares a function (skipped: no GraphQL field name).
CREATE TABLE pets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    "owner_id
fn hasone_injected() {}
//" INTEGER UNIQUE REFERENCES owners (id)
);
-- Skipped, each with its reason.
CREATE TABLE "super" (id INTEGER PRIMARY KEY AUTOINCREMENT);
CREATE TABLE "mod" (id INTEGER PRIMARY KEY AUTOINCREMENT);
CREATE TABLE "2fa" (id INTEGER PRIMARY KEY AUTOINCREMENT);
CREATE TABLE "__" (id INTEGER PRIMARY KEY AUTOINCREMENT);
CREATE TABLE "café" (id INTEGER PRIMARY KEY AUTOINCREMENT);
CREATE TABLE digits (id INTEGER PRIMARY KEY AUTOINCREMENT, "2col" INTEGER);
CREATE TABLE underscores (id INTEGER PRIMARY KEY AUTOINCREMENT, "__" TEXT);
CREATE TABLE accents (id INTEGER PRIMARY KEY AUTOINCREMENT, "prénom" TEXT);
CREATE TABLE generations (id INTEGER PRIMARY KEY AUTOINCREMENT, "gen" INTEGER);
CREATE TABLE supers (id INTEGER PRIMARY KEY AUTOINCREMENT, "super" INTEGER);
CREATE TABLE ids (code TEXT PRIMARY KEY, id INTEGER);
CREATE TABLE user_profiles (id INTEGER PRIMARY KEY AUTOINCREMENT);
CREATE TABLE "UserProfiles" (id INTEGER PRIMARY KEY AUTOINCREMENT);
CREATE TABLE strings (id INTEGER PRIMARY KEY AUTOINCREMENT);
CREATE TABLE queries (id INTEGER PRIMARY KEY AUTOINCREMENT);
CREATE TABLE small_keys (id SMALLINT PRIMARY KEY, label TEXT);
CREATE TABLE tiny_keys (id TINYINT PRIMARY KEY, label TEXT);

INSERT INTO "self" ("type", "__typename") VALUES ('first', 'mine');
INSERT INTO "crate" ("self id", "match") VALUES (1, 7);
INSERT INTO "quo""ted | `md` */ <b>x</b>" (note) VALUES ('quoted');
INSERT INTO "type" ("fn", "display name", "Self") VALUES ('f', 'shown', 'me');
