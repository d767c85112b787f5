-- pgbench script written by bench/run (do not edit): the SQL statements hasone
-- issued for one Q3 (100 users, profile -> user -> project) request, 4 statements; one pgbench transaction
-- stands for one GraphQL request. bench/run runs it as
--   pgbench -n -M prepared -c CONNECTIONS -j THREADS -T DURATION -f q3.sql
-- (hasone's sqlx prepares and caches each statement too).
--
-- How it is captured: bench/run starts a second hasone (release build) on a
-- copy of the seeded database that has `ALTER DATABASE ... SET log_statement =
-- 'all'`, POSTs the workload's document (bench/queries/hasone/q3.graphql)
-- 5 times one request at a time, and reads PostgreSQL's log: each
-- `LOG: execute sqlx_s_N: <statement>` line of a request is copied here with the
-- values of its `DETAIL: parameters: $1 = '...'` line written in for $1, $2, ...
-- (quoted as logged; PostgreSQL casts them as it did the parameters). Of the
-- 5 requests the one with the fewest statements is kept: hasone batches
-- the keys gathered within its dataloader window, and a request that misses the
-- window sends one level's batch as two statements. hasone sends the batches
-- of one level concurrently on several pool connections; pgbench sends them one
-- after another on one connection.
SELECT "users"."id", "users"."name", "users"."email", "users"."handle" FROM "users" ORDER BY "users"."id" ASC LIMIT '101';
SELECT "profiles"."id", "profiles"."user_id", "profiles"."bio", "profiles"."visibility" FROM "profiles" WHERE "profiles"."user_id" IN ('63', '61', '21', '42', '53', '89', '1', '43', '25', '38', '66', '48', '7', '75', '100', '95', '49', '94', '98', '52', '28', '10', '50', '58', '73', '85', '74', '87', '39', '16', '59', '90', '11', '23', '26', '68', '4', '91', '44', '57', '60', '96', '40', '47', '71', '70', '80', '31', '12', '33', '34', '5', '51', '64', '36', '56', '29', '15', '19', '55', '8', '9', '2', '24', '41', '65', '67', '69', '45', '76', '82', '92', '54', '97', '99', '35', '30', '77', '78', '79', '81', '18', '32', '6', '20', '62', '13', '14', '22', '37', '83', '72', '84', '88', '86', '93', '46', '3', '17', '27') ORDER BY "profiles"."id" ASC;
SELECT "users"."id", "users"."name", "users"."email", "users"."handle" FROM "users" WHERE "users"."id" IN ('23', '12', '72', '42', '1', '21', '59', '27', '69', '71', '52', '2', '62', '26', '64', '58', '24', '89', '7', '97', '68', '74', '57', '83', '36', '47', '96', '39', '54', '44', '61', '77', '87', '28', '66', '8', '17', '37', '41', '34', '6', '49', '63', '81', '76', '43', '29', '84', '88', '16', '14', '3', '38', '53', '46', '67', '73', '82', '91', '98', '86', '51', '22', '18', '19', '33', '48', '78', '93', '11', '99', '79', '32', '94', '56', '9', '92', '4', '13', '31') ORDER BY "users"."id" ASC;
SELECT "projects"."id", "projects"."owner_id", "projects"."name", "projects"."archived" FROM "projects" WHERE "projects"."owner_id" IN ('66', '94', '16', '79', '86', '97', '3', '33', '92', '99', '73', '18', '22', '83', '44', '58', '76', '78', '81', '29', '93', '26', '49', '36', '53', '71', '67', '57', '32', '69', '31', '74', '1', '9', '59', '61', '72', '12', '8', '63', '52', '56', '4', '17', '68', '24', '43', '37', '41', '7', '77', '84', '88', '98', '11', '87', '89', '39', '42', '6', '38', '91', '47', '2', '46', '64', '28', '34', '21', '13', '14', '51', '62', '27', '23', '48', '54', '82', '96', '19') AND "projects"."archived" = 'f' ORDER BY "projects"."id" ASC;
